import { APPROVAL_GRANTED, APPROVAL_RESPONSES } from './approval-events';
import type { ApprovalDecision } from './approval-agent';

type Headers = Record<string, string | string[] | undefined>;

/** What a verified delivery asks of the agent. */
export type ApprovalWebhook = { kind: 'decision'; decision: ApprovalDecision } | { kind: 'ignored'; reason: string };

/**
 * Reads an approval decision from a delivery that verifyWebhook already accepted, in either payload format:
 * - `envelope` (default): `{event_id, event_type, call_id, data: {...}}`, all inside the signed body;
 * - `data`: the body is `data` alone; the call_id comes in X-Webhook-Call-Id and the type in X-Webhook-Event.
 *
 * Those two headers are not covered by the signature, so the decision is always taken from the signed body
 * (`data.approved`) and must agree with the event type. Anything that is not a decision for a call_id is
 * ignored rather than refused: refusing would only make Hookline retry a delivery that can never succeed.
 */
export function readApprovalWebhook(payload: unknown, headers: Headers): ApprovalWebhook {
  const headerCallId = header(headers, 'x-webhook-call-id');
  let eventType: string | undefined;
  let callId: string | undefined;
  let eventId: string | undefined;
  let data: unknown;
  if (headerCallId !== undefined) {
    eventType = header(headers, 'x-webhook-event');
    // Hookline percent-encodes what a header cannot carry (non-ASCII, "%").
    callId = decodeURIComponent(headerCallId);
    eventId = header(headers, 'webhook-id');
    data = payload;
  } else {
    if (!isObject(payload)) return ignored('the body is not a Hookline envelope');
    eventType = stringOrUndefined(payload.event_type);
    callId = stringOrUndefined(payload.call_id);
    eventId = stringOrUndefined(payload.event_id);
    data = payload.data;
  }

  if (eventType === undefined || !APPROVAL_RESPONSES.includes(eventType)) return ignored(`not an approval response (event type ${eventType ?? 'missing'})`);
  if (!callId) return ignored('the event carries no call_id');
  if (!isObject(data) || typeof data.approved !== 'boolean') return ignored('data.approved is not a boolean');
  if (data.approved !== (eventType === APPROVAL_GRANTED)) return ignored(`data.approved (${data.approved}) contradicts ${eventType}`);
  return {
    kind: 'decision',
    decision: {
      callId,
      approved: data.approved,
      comment: stringOrNull(data.comment),
      approvedBy: stringOrNull(data.approved_by),
      eventId: eventId ?? 'unknown',
    },
  };
}

const ignored = (reason: string): ApprovalWebhook => ({ kind: 'ignored', reason });

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const stringOrUndefined = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
const stringOrNull = (value: unknown) => (typeof value === 'string' ? value : null);
