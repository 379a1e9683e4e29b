import { matchesAnyEventType, matchesChannel } from '@app/domain/event-matching';

export interface MatchableEvent {
  eventType: string;
  channel: string | null;
  targetSubscriptionId: string | null;
}

export interface MatchableTarget {
  id: string;
  kind: string;
  events: string[];
  channels: string[];
}

/**
 * Whether a candidate (already filtered by organization, deletion and activity) receives the event:
 * a test event goes to its target only, whatever its filter; a subscription by its event-type and
 * channel filters; a channel webhook (selected by its channel) receives every event of the channel.
 */
export function receivesEvent(target: MatchableTarget, event: MatchableEvent): boolean {
  if (event.targetSubscriptionId) return target.id === event.targetSubscriptionId;
  if (target.kind === 'channel') return true;
  if (target.kind === 'subscription') return matchesAnyEventType(target.events, event.eventType) && matchesChannel(target.channels, event.channel);
  return false;
}
