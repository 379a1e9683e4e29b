/**
 * Limits of an event, for every intake (HTTP and published over Redis). The rules of its fields are
 * libs/intake's EventCreateDto.
 */

/** A repeated idempotency key (scope: the organization) within this window names the first event. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3600_000;
/** Same limit as the HTTP intake's request body. */
export const MAX_EVENT_BYTES = 256 * 1024;
/** Ids a publisher may choose itself (HooklinePublisher.publish({event_id})); BullMQ job ids take no ':'. */
export const EVENT_ID_PATTERN = /^[A-Za-z0-9_.-]{1,255}$/;
