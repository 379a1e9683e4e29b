import type { ApiError, ErrorDetail } from '../api/client';

/**
 * Splits an API error's details by form field: `details[].field` names a body field, maybe with a
 * path (`headers.X-Team`, `events[0]`, `schema/properties`), and belongs to the form field its first
 * segment names. Details no field claims, and the message itself, are shown at the form's button.
 */
export function fieldErrors(error: ApiError | undefined, fields: readonly string[]): { byField: Record<string, string>; rest: ErrorDetail[] } {
  const byField: Record<string, string> = {};
  const rest: ErrorDetail[] = [];
  for (const detail of error?.details ?? []) {
    const head = detail.field?.split(/[.[/]/)[0];
    if (head && fields.includes(head)) byField[head] = byField[head] ? `${byField[head]}; ${detail.message}` : detail.message;
    else rest.push(detail);
  }
  return { byField, rest };
}
