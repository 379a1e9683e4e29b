import { Injectable } from '@nestjs/common';
import { Prisma, type Event, type Subscription } from '@app/generated/prisma/client';
import { newId } from '@app/domain/ids';
import { PrismaService } from '../prisma.service';

/** Deliveries the worker still has to attempt (their jobs may be re-enqueued safely). */
export const OPEN_DELIVERY_STATUSES = ['pending', 'retrying'];

/** What fan-out needs of an event. */
export type FanOutEvent = Pick<Event, 'id' | 'organizationId' | 'eventType' | 'channel' | 'targetSubscriptionId' | 'status'> & { needsMatching: boolean };
/** The subscription fields matching needs. */
export type FanOutCandidate = Pick<Subscription, 'id' | 'organizationId' | 'kind' | 'events' | 'channels' | 'channelKey' | 'isActive'>;
/** One delivery to create: an event for a subscription. */
export interface NewDelivery {
  organizationId: string;
  eventId: string;
  subscriptionId: string;
  eventType: string;
}

/** Fan-out: loading stored events, matching their targets, creating deliveries. */
@Injectable()
export class FanOutRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * The events of a fan-out batch; `needsMatching` is false for an event whose deliveries already
   * exist (a replayed job: only its open deliveries are enqueued again).
   */
  async findEventsForFanOut(ids: string[]): Promise<FanOutEvent[]> {
    return this.prisma.$queryRaw<FanOutEvent[]>`
      SELECT e.id, e.organization_id AS "organizationId", e.event_type AS "eventType", e.channel,
             e.target_subscription_id AS "targetSubscriptionId", e.status,
             (e.fanned_out_at IS NULL OR NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id)) AS "needsMatching"
      FROM events e
      WHERE e.id = ANY(${ids}::text[])`;
  }

  /**
   * Everything that may receive one of the events, in one query: the targets of test events (whatever
   * their filter or active flag), the active subscriptions of the events' organizations and the
   * webhooks of their channels. Which candidate receives which event is left to the caller.
   */
  async findCandidates(events: FanOutEvent[]): Promise<FanOutCandidate[]> {
    const unique = (values: (string | null)[]) => [...new Set(values.filter((value): value is string => value !== null))];
    const broadcast = events.filter((event) => !event.targetSubscriptionId);
    const organizationIds = unique(broadcast.map((event) => event.organizationId));
    const channels = unique(broadcast.map((event) => event.channel));
    const targetIds = unique(events.map((event) => event.targetSubscriptionId));
    return this.prisma.$queryRaw<FanOutCandidate[]>`
      SELECT id, organization_id AS "organizationId", kind, events, channels, channel_key AS "channelKey", is_active AS "isActive"
      FROM subscriptions
      WHERE deleted_at IS NULL AND (
        (organization_id = ANY(${organizationIds}::text[]) AND is_active
          AND (kind = 'subscription' OR (kind = 'channel' AND channel_key = ANY(${channels}::text[]))))
        OR id = ANY(${targetIds}::text[]))`;
  }

  /**
   * Creates the deliveries (existing (event, subscription) pairs are kept), marks the matched events
   * fanned out and returns the open deliveries of every event given: one statement, so atomic and one
   * round trip for the whole batch.
   */
  async createDeliveries(deliveries: NewDelivery[], matchedEventIds: string[], eventIds: string[]): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      WITH created AS (
        INSERT INTO deliveries (id, organization_id, event_id, subscription_id, event_type)
        SELECT * FROM unnest(${deliveries.map(() => newId('dlv'))}::text[], ${deliveries.map((d) => d.organizationId)}::text[],
                             ${deliveries.map((d) => d.eventId)}::text[], ${deliveries.map((d) => d.subscriptionId)}::text[],
                             ${deliveries.map((d) => d.eventType)}::text[])
        ON CONFLICT (event_id, subscription_id) DO NOTHING
        RETURNING id
      ), marked AS (
        UPDATE events SET fanned_out_at = now() WHERE id = ANY(${matchedEventIds}::text[]) AND fanned_out_at IS NULL
      )
      SELECT id FROM created
      UNION
      SELECT id FROM deliveries WHERE event_id = ANY(${eventIds}::text[]) AND status IN (${Prisma.join(OPEN_DELIVERY_STATUSES)})
      ORDER BY id`;
    return rows.map((row) => row.id);
  }
}
