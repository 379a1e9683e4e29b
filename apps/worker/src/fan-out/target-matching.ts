import { matchesAnyEventType, matchesChannel } from '@app/domain/event-matching';
import type { FilterPredicate, FilterSubject } from '@app/domain/payload-filter';

export interface MatchableEvent {
  eventType: string;
  channel: string | null;
  targetSubscriptionId: string | null;
  /** The envelope fields payload filters read; set whenever a candidate has a filter. */
  subject?: FilterSubject;
}

export interface MatchableTarget {
  id: string;
  kind: string;
  events: string[];
  channels: string[];
  /** The subscription's compiled payload filter; null or absent without one. */
  payloadFilter?: FilterPredicate | null;
}

/**
 * Whether a candidate (already filtered by organization, deletion and activity) receives the event:
 * a test event goes to its target only, whatever its filters; a subscription by its event-type and
 * channel filters, then its payload filter; a channel webhook (selected by its channel) receives
 * every event of the channel.
 */
export function receivesEvent(target: MatchableTarget, event: MatchableEvent): boolean {
  if (event.targetSubscriptionId) return target.id === event.targetSubscriptionId;
  if (target.kind === 'channel') return true;
  if (target.kind !== 'subscription') return false;
  if (!matchesAnyEventType(target.events, event.eventType) || !matchesChannel(target.channels, event.channel)) return false;
  if (!target.payloadFilter) return true;
  if (!event.subject) throw new Error(`event of type ${event.eventType} reached a payload filter without its fields loaded`);
  return target.payloadFilter(event.subject);
}
