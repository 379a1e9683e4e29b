/** Characters allowed in event types and channels. */
export const EVENT_TYPE_PATTERN = /^[A-Za-z0-9_.:-]+$/;
export const CHANNEL_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
/** An event's ordering key: the event-type characters plus `/` (keys are often paths, e.g. `customer/42`). */
export const ORDERING_KEY_PATTERN = /^[A-Za-z0-9_.:/-]+$/;

/** A subscription filter entry: an exact type, `*`, or `prefix.*` (matches every type under `prefix.`). */
export const EVENT_FILTER_PATTERN = /^(\*|[A-Za-z0-9_.:-]+(\.\*)?)$/;

export function matchesEventType(filter: string, eventType: string): boolean {
  if (filter === '*') return true;
  if (filter.endsWith('.*')) return eventType.startsWith(filter.slice(0, -1));
  return filter === eventType;
}

export function matchesAnyEventType(filters: readonly string[], eventType: string): boolean {
  return filters.some((filter) => matchesEventType(filter, eventType));
}

/** A subscription with channels receives only events on one of them; without, events of every channel. */
export function matchesChannel(channels: readonly string[], eventChannel: string | null | undefined): boolean {
  return channels.length === 0 || (eventChannel != null && channels.includes(eventChannel));
}

/** Event types Hookline itself publishes; subscribable whatever an organization's catalog holds. */
export const SystemEventType = {
  Test: 'webhook.test',
  Disabled: 'webhook.disabled',
} as const;
export const SYSTEM_EVENT_TYPES: readonly string[] = Object.values(SystemEventType);
