import { CHANNEL_PATTERN, EVENT_TYPE_PATTERN } from './event-matching';
import { TEXT_PROBLEM, isStorableText, unstorableJsonProblem } from './storable-input';

/**
 * Validation of events published over Redis (HooklinePublisher), with the same rules as the HTTP
 * intake (POST /v1/events DTO): the worker records an invalid one as rejected instead of a 400.
 */

/** A repeated idempotency key (scope: the organization) within this window names the first event. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3600_000;
/** Same limit as the HTTP intake's request body. */
export const MAX_EVENT_BYTES = 256 * 1024;
const MAX_TEXT_LENGTH = 255;
/** Ids a publisher may choose itself (HooklinePublisher.publish({event_id})); BullMQ job ids take no ':'. */
export const EVENT_ID_PATTERN = /^[A-Za-z0-9_.-]{1,255}$/;

const KNOWN_FIELDS = new Set(['organization_id', 'event_type', 'data', 'workflow_id', 'channel', 'call_id', 'idempotency_key']);

export interface ValidEvent {
  organizationId: string;
  eventType: string;
  data: Record<string, unknown>;
  workflowId: string | null;
  channel: string | null;
  callId: string | null;
  idempotencyKey: string | null;
}

export type EventValidation = { valid: true; event: ValidEvent } | { valid: false; problems: string[] };

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a published event; `problems` are short sentences naming the field, safe to log (no values). */
export function validatePublishedEvent(input: unknown): EventValidation {
  if (!isJsonObject(input)) return { valid: false, problems: ['the event must be a JSON object'] };
  const problems: string[] = [];

  for (const field of Object.keys(input)) {
    if (KNOWN_FIELDS.has(field)) continue;
    problems.push(isStorableText(field) ? `property ${truncate(field, 64)} should not exist` : 'a property with an unprintable name should not exist');
  }
  const organizationId = requiredText(input, 'organization_id', problems);
  const eventType = requiredText(input, 'event_type', problems);
  if (eventType !== null && !EVENT_TYPE_PATTERN.test(eventType)) problems.push('event_type must use only the characters [A-Za-z0-9_.:-]');
  if (!isJsonObject(input.data)) problems.push('data must be a JSON object');
  else {
    // The event is level 1 (as the HTTP request body is), so data starts at level 2.
    const problem = unstorableJsonProblem(input.data, 2);
    if (problem) problems.push(`data ${problem}`);
  }
  const workflowId = optionalText(input, 'workflow_id', problems);
  const callId = optionalText(input, 'call_id', problems);
  const idempotencyKey = optionalText(input, 'idempotency_key', problems);
  const channel = optionalText(input, 'channel', problems);
  if (channel !== null && !CHANNEL_PATTERN.test(channel)) problems.push('channel must be 1 to 128 characters of [A-Za-z0-9_.:-]');
  if (problems.length === 0 && Buffer.byteLength(JSON.stringify(input)) > MAX_EVENT_BYTES) {
    problems.push(`the event is larger than ${MAX_EVENT_BYTES / 1024} KiB`);
  }

  if (problems.length > 0) return { valid: false, problems };
  return {
    valid: true,
    event: {
      organizationId: organizationId as string,
      eventType: eventType as string,
      data: input.data as Record<string, unknown>,
      workflowId,
      channel,
      callId,
      idempotencyKey,
    },
  };
}

function requiredText(input: Record<string, unknown>, field: string, problems: string[]): string | null {
  const value = input[field];
  if (value === undefined || value === null) {
    problems.push(`${field} is required`);
    return null;
  }
  return text(value, field, problems);
}

/** Like the DTO's @IsOptional(): undefined and null mean absent. */
function optionalText(input: Record<string, unknown>, field: string, problems: string[]): string | null {
  const value = input[field];
  if (value === undefined || value === null) return null;
  return text(value, field, problems);
}

function text(value: unknown, field: string, problems: string[]): string | null {
  if (typeof value !== 'string') {
    problems.push(`${field} must be a string`);
    return null;
  }
  if (!isStorableText(value)) {
    problems.push(`${field} ${TEXT_PROBLEM}`);
    return null;
  }
  if (value.length === 0) {
    problems.push(`${field} should not be empty`);
    return null;
  }
  if (value.length > MAX_TEXT_LENGTH) {
    problems.push(`${field} must be shorter than or equal to ${MAX_TEXT_LENGTH} characters`);
    return null;
  }
  return value;
}

function truncate(value: string, length: number): string {
  return value.length > length ? `${value.slice(0, length)}…` : value;
}

