import { Injectable } from '@nestjs/common';
import { Prisma, type Event, type Subscription } from '@app/generated/prisma/client';
import { newId } from '@app/domain/ids';
import { PrismaService } from '../prisma.service';
import { DELIVERY_CONTEXT_COLUMNS, toClaimedDeliveries, type ClaimedContextRow, type ClaimedDelivery } from './delivery-context';

/** Deliveries the worker still has to attempt (their jobs may be re-enqueued safely). */
export const OPEN_DELIVERY_STATUSES = ['pending', 'retrying'];

/** What fan-out needs of an event. */
export type FanOutEvent = Pick<
  Event,
  'id' | 'organizationId' | 'eventType' | 'channel' | 'targetSubscriptionId' | 'status' | 'orderingKey' | 'createdAt' | 'traceparent'
> & { needsMatching: boolean };
/** The subscription fields matching needs; `updatedAt` versions its payload filter. */
export type FanOutCandidate = Pick<
  Subscription,
  'id' | 'organizationId' | 'kind' | 'events' | 'channels' | 'channelKey' | 'isActive' | 'ordering' | 'filter' | 'updatedAt'
>;
/** A fan-out batch: its events, and the subscriptions that may receive those still to be matched. */
export interface FanOutBatch {
  events: FanOutEvent[];
  candidates: FanOutCandidate[];
}
/** One row of findBatch: an event or a candidate (isEvent tells; the other kind's columns are null). */
type EventRow = { isEvent: true } & FanOutEvent & Record<keyof Omit<FanOutCandidate, 'id' | 'organizationId'>, null>;
type CandidateRow = { isEvent: false } & FanOutCandidate;
/** What a payload filter reads of an event besides what fan-out loads anyway. */
export type FilterableEventRow = Pick<Event, 'id' | 'data' | 'callId' | 'workflowId'>;
/** One delivery to create: an event for a subscription. */
export interface NewDelivery {
  organizationId: string;
  eventId: string;
  subscriptionId: string;
  eventType: string;
  /** For a "per_key" subscription: the key whose deliveries go one at a time; null otherwise. */
  orderingKey: string | null;
}
type StoredDelivery = NewDelivery & { id: string; blockedBy: string | null };

/** Fan-out: loading stored events, matching their targets, creating deliveries. */
@Injectable()
export class FanOutRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * A fan-out batch's events and, in the same round trip, everything that may receive those still to
   * be matched (accepted, and without deliveries yet): the targets of test events (whatever their
   * filter or active flag), the active subscriptions of the events' organizations and the webhooks of
   * their channels. Which candidate receives which event is left to the caller. `needsMatching` is
   * false for an event whose deliveries already exist (a replayed job: only its open deliveries are
   * dispatched again).
   */
  async findBatch(ids: string[]): Promise<FanOutBatch> {
    const rows = await this.prisma.$queryRaw<(EventRow | CandidateRow)[]>`
      WITH batch AS (
        SELECT e.id, e.organization_id, e.event_type, e.channel, e.target_subscription_id, e.status, e.ordering_key, e.created_at, e.traceparent,
               (e.fanned_out_at IS NULL OR NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id)) AS needs_matching
        FROM events e
        WHERE e.id = ANY(${ids}::text[])
      ), to_match AS (
        SELECT * FROM batch WHERE status = 'accepted' AND needs_matching
      )
      SELECT true AS "isEvent", id, organization_id AS "organizationId", event_type AS "eventType", channel,
             target_subscription_id AS "targetSubscriptionId", status, ordering_key AS "orderingKey", created_at AS "createdAt", traceparent,
             needs_matching AS "needsMatching", NULL::varchar AS kind, NULL::text[] AS events, NULL::text[] AS channels, NULL::varchar AS "channelKey",
             NULL::boolean AS "isActive", NULL::varchar AS ordering, NULL::jsonb AS filter, NULL::timestamptz AS "updatedAt"
      FROM batch
      UNION ALL
      SELECT false, s.id, s.organization_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
             s.kind, s.events, s.channels, s.channel_key, s.is_active, s.ordering, s.filter, s.updated_at
      FROM subscriptions s
      WHERE s.deleted_at IS NULL AND (
        (s.organization_id = ANY(ARRAY(SELECT organization_id FROM to_match WHERE target_subscription_id IS NULL)) AND s.is_active
          AND (s.kind = 'subscription' OR (s.kind = 'channel' AND s.channel_key = ANY(ARRAY(SELECT channel FROM to_match WHERE target_subscription_id IS NULL)))))
        OR s.id = ANY(ARRAY(SELECT target_subscription_id FROM to_match)))`;
    const batch: FanOutBatch = { events: [], candidates: [] };
    for (const row of rows) {
      if (row.isEvent) {
        const { id, organizationId, eventType, channel, targetSubscriptionId, status, orderingKey, createdAt, traceparent, needsMatching } = row;
        batch.events.push({ id, organizationId, eventType, channel, targetSubscriptionId, status, orderingKey, createdAt, traceparent, needsMatching });
      } else {
        const { id, organizationId, kind, events, channels, channelKey, isActive, ordering, filter, updatedAt } = row;
        batch.candidates.push({ id, organizationId, kind, events, channels, channelKey, isActive, ordering, filter, updatedAt });
      }
    }
    return batch;
  }

  /**
   * When the first accepted event of these organizations created after `after` and up to `until`,
   * other than `exceptIds`, still waiting for its fan-out was created; null when there is none.
   */
  async firstUnfannedBetween(organizationIds: string[], after: Date, until: Date, exceptIds: string[]): Promise<Date | null> {
    const [row] = await this.prisma.$queryRaw<{ first: Date | null }[]>`
      SELECT min(created_at) AS first FROM events
      WHERE fanned_out_at IS NULL AND created_at > ${after} AND created_at <= ${until}
        AND organization_id = ANY(${organizationIds}::text[]) AND status = 'accepted' AND id <> ALL(${exceptIds}::text[])`;
    return row.first;
  }

  /**
   * Whether an accepted event of these organizations created before `before` (and after `since`),
   * other than `exceptIds`, still waits for its fan-out.
   */
  async hasEarlierUnfanned(organizationIds: string[], since: Date, before: Date, exceptIds: string[]): Promise<boolean> {
    const [row] = await this.prisma.$queryRaw<{ found: boolean }[]>`
      SELECT EXISTS (
        SELECT 1 FROM events
        WHERE fanned_out_at IS NULL AND created_at >= ${since} AND created_at < ${before}
          AND organization_id = ANY(${organizationIds}::text[]) AND status = 'accepted' AND id <> ALL(${exceptIds}::text[])
      ) AS found`;
    return row.found;
  }

  /**
   * The fields payload filters read (data, call_id, workflow_id), for the events some candidate
   * filters: loaded only then, so fan-out without filters reads no event payloads.
   */
  async findFilterableEvents(ids: string[]): Promise<FilterableEventRow[]> {
    if (ids.length === 0) return [];
    return this.prisma.event.findMany({ where: { id: { in: ids } }, select: { id: true, data: true, callId: true, workflowId: true } });
  }

  /**
   * Creates the deliveries (existing (event, subscription) pairs are kept), marks the matched events
   * fanned out and returns the open deliveries of every event given that may be attempted now (not
   * waiting behind another of their ordering key): the created ones already claimed for `claimTtlMs`,
   * the others (a replay's) still to claim. Without ordered deliveries this is one statement;
   * with them, one transaction that first chains each key's new deliveries behind its tail.
   */
  async createDeliveries(deliveries: NewDelivery[], matchedEventIds: string[], eventIds: string[], claimTtlMs: number): Promise<CreatedDeliveries> {
    const withIds = deliveries.map((delivery) => ({ ...delivery, id: newId('dlv'), blockedBy: null }));
    if (withIds.every((delivery) => delivery.orderingKey === null)) return this.insertDeliveries(this.prisma, withIds, matchedEventIds, eventIds, claimTtlMs);
    return this.prisma.$transaction(async (tx) => {
      const chained = await this.chainOrdered(tx, withIds);
      return this.insertDeliveries(tx, chained, matchedEventIds, eventIds, claimTtlMs);
    });
  }

  /**
   * Puts each key's new deliveries (in the order given) behind the key's tail while it is open, and
   * records the last of them as the new tail. Per-key advisory locks (taken in one order) serialize
   * concurrent fan-outs of a key across workers; the open tail is locked FOR SHARE so that a
   * concurrent end of it waits for this transaction and its trigger then sees the new waiter.
   */
  private async chainOrdered(tx: Prisma.TransactionClient, deliveries: StoredDelivery[]): Promise<StoredDelivery[]> {
    const existing = await tx.$queryRaw<{ key: string }[]>`
      SELECT event_id || ' ' || subscription_id AS key FROM deliveries
      WHERE event_id = ANY(${[...new Set(deliveries.map((d) => d.eventId))]}::text[])`;
    const taken = new Set(existing.map((row) => row.key));
    const fresh = deliveries.filter((d) => !taken.has(`${d.eventId} ${d.subscriptionId}`));
    const groups = groupByKey(fresh.filter((d) => d.orderingKey !== null));
    if (groups.size === 0) return fresh;
    const subscriptionIds = [...groups.values()].map((group) => group[0].subscriptionId);
    const keys = [...groups.values()].map((group) => group[0].orderingKey!);
    await tx.$executeRaw`
      SELECT pg_advisory_xact_lock(lock_id) FROM (
        SELECT DISTINCT hashtextextended(s || ' ' || k, 0) AS lock_id FROM unnest(${subscriptionIds}::text[], ${keys}::text[]) AS t(s, k)
      ) ids ORDER BY lock_id`;
    const openTails = await tx.$queryRaw<{ subscriptionId: string; orderingKey: string; id: string }[]>`
      SELECT t.subscription_id AS "subscriptionId", t.ordering_key AS "orderingKey", d.id
      FROM ordering_tails t JOIN deliveries d ON d.id = t.tail_delivery_id
      WHERE (t.subscription_id, t.ordering_key) IN (SELECT * FROM unnest(${subscriptionIds}::text[], ${keys}::text[]))
        AND d.status IN (${Prisma.join(OPEN_DELIVERY_STATUSES)})
      FOR SHARE OF d`;
    const tailOf = new Map(openTails.map((tail) => [`${tail.subscriptionId} ${tail.orderingKey}`, tail.id]));
    for (const [groupKey, group] of groups) {
      group.forEach((delivery, index) => (delivery.blockedBy = index === 0 ? (tailOf.get(groupKey) ?? null) : group[index - 1].id));
    }
    const lastIds = [...groups.values()].map((group) => group[group.length - 1].id);
    await tx.$executeRaw`
      INSERT INTO ordering_tails (subscription_id, ordering_key, tail_delivery_id)
      SELECT * FROM unnest(${subscriptionIds}::text[], ${keys}::text[], ${lastIds}::text[])
      ON CONFLICT (subscription_id, ordering_key) DO UPDATE SET tail_delivery_id = EXCLUDED.tail_delivery_id`;
    return fresh;
  }

  /**
   * One statement: inserts the deliveries (those not waiting behind their ordering key claimed for
   * `claimTtlMs`: no second write to claim them), marks the events, answers the created deliveries
   * it claimed with their events and subscriptions (no second read before their first attempts), and
   * the events' other open deliveries not waiting (a replayed fan-out's).
   */
  private async insertDeliveries(
    db: Prisma.TransactionClient,
    deliveries: StoredDelivery[],
    matchedEventIds: string[],
    eventIds: string[],
    claimTtlMs: number,
  ): Promise<CreatedDeliveries> {
    const rows = await db.$queryRaw<(ClaimedContextRow & { created: boolean })[]>`
      WITH created AS (
        INSERT INTO deliveries (id, organization_id, event_id, subscription_id, event_type, ordering_key, blocked_by, claimed_until)
        SELECT *, CASE WHEN blocked_by IS NULL THEN now() + ${claimTtlMs} * interval '1 millisecond' END
        FROM unnest(${deliveries.map((d) => d.id)}::text[], ${deliveries.map((d) => d.organizationId)}::text[],
                    ${deliveries.map((d) => d.eventId)}::text[], ${deliveries.map((d) => d.subscriptionId)}::text[],
                    ${deliveries.map((d) => d.eventType)}::text[], ${deliveries.map((d) => d.orderingKey)}::text[],
                    ${deliveries.map((d) => d.blockedBy)}::text[]) AS t(id, organization_id, event_id, subscription_id, event_type, ordering_key, blocked_by)
        ON CONFLICT (event_id, subscription_id) DO NOTHING
        RETURNING *
      ), marked AS (
        UPDATE events SET fanned_out_at = now() WHERE id = ANY(${matchedEventIds}::text[]) AND fanned_out_at IS NULL
      ), handed AS (
        SELECT *, true AS created FROM created WHERE blocked_by IS NULL
        UNION ALL
        SELECT *, false AS created FROM deliveries
        WHERE event_id = ANY(${eventIds}::text[]) AND status IN (${Prisma.join(OPEN_DELIVERY_STATUSES)}) AND blocked_by IS NULL
          AND id NOT IN (SELECT id FROM created)
      )
      SELECT ${DELIVERY_CONTEXT_COLUMNS}, d.created AS claimed, d.claimed_until AS "claimedUntil", d.created
      FROM handed d
      JOIN events e ON e.id = d.event_id
      JOIN subscriptions s ON s.id = d.subscription_id
      ORDER BY d.id`;
    // Parsed together: an event's data comes on one of its rows, created or open.
    const handed = toClaimedDeliveries(rows);
    return {
      claimed: handed.filter((_, index) => rows[index].created),
      open: rows.filter((row) => !row.created).map((row) => row.id),
    };
  }
}

/**
 * What createDeliveries answers: the deliveries it created claimed, with what their attempts need, and
 * the events' other open deliveries (a replayed fan-out's), still to be claimed.
 */
export interface CreatedDeliveries {
  claimed: ClaimedDelivery[];
  open: string[];
}

/** New ordered deliveries by (subscription, key), each group in the order given (the events' order). */
function groupByKey(deliveries: StoredDelivery[]): Map<string, StoredDelivery[]> {
  const groups = new Map<string, StoredDelivery[]>();
  for (const delivery of deliveries) {
    const key = `${delivery.subscriptionId} ${delivery.orderingKey}`;
    groups.set(key, [...(groups.get(key) ?? []), delivery]);
  }
  return groups;
}
