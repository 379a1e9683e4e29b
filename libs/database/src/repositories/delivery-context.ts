import { Prisma, type Delivery, type Event, type Subscription } from '@app/generated/prisma/client';

/** What one attempt needs of a delivery, its event and its subscription (loaded in one query). */
export type DeliveryWithContext = Pick<
  Delivery,
  'id' | 'eventId' | 'subscriptionId' | 'status' | 'attempts' | 'nextAttemptAt' | 'orderingKey' | 'blockedBy'
> & {
  event: Pick<
    Event,
    'id' | 'organizationId' | 'eventType' | 'data' | 'workflowId' | 'channel' | 'callId' | 'createdAt' | 'targetSubscriptionId' | 'traceparent'
  >;
  subscription: Pick<
    Subscription,
    | 'id'
    | 'kind'
    | 'url'
    | 'headers'
    | 'secret'
    | 'previousSecret'
    | 'previousSecretExpiresAt'
    | 'signatureScheme'
    | 'previousSignatureScheme'
    | 'payloadFormat'
    | 'isActive'
    | 'maxAttempts'
    | 'rateLimitPerSecond'
    | 'failingSince'
    | 'deletedAt'
  >;
};

/**
 * A delivery with its context, and whether this caller now holds it (claimed by DeliveryRepository.claim
 * or created claimed by fan-out). When not, the row says why (ended, waiting behind its ordering key,
 * not due yet, or held by another claim).
 */
export type ClaimedDelivery = DeliveryWithContext & {
  claimed: boolean;
  claimedUntil: Date | null;
  /** Its share of its event's data (characters of JSON text), for bounding what waits in memory. */
  dataSize: number;
};

type ContextRow = Omit<DeliveryWithContext, 'event' | 'subscription'> & {
  [K in Exclude<keyof DeliveryWithContext['event'], 'data'> as `event_${K}`]: DeliveryWithContext['event'][K];
} & {
  /** The event's data as JSON text, on one row per event only (null on the others). */
  event_data: string | null;
} & {
  [K in keyof DeliveryWithContext['subscription'] as `subscription_${K}`]: DeliveryWithContext['subscription'][K];
};

/** A row selected with DELIVERY_CONTEXT_COLUMNS, `claimed` and `claimedUntil`. */
export type ClaimedContextRow = ContextRow & { claimed: boolean; claimedUntil: Date | null };

/**
 * The select list of a delivery with its context, for a query that names the delivery `d`, its event
 * `e` and its subscription `s` (claiming a delivery and creating one claimed both answer it). An
 * event's data comes once, on the first of its rows: fanned out to N subscriptions it was sent, read
 * and parsed N times, and its N copies waited in the worker's memory (up to 256 KiB each).
 */
export const DELIVERY_CONTEXT_COLUMNS = Prisma.raw(`
  d.id, d.event_id AS "eventId", d.subscription_id AS "subscriptionId", d.status, d.attempts, d.next_attempt_at AS "nextAttemptAt",
  d.ordering_key AS "orderingKey", d.blocked_by AS "blockedBy",
  e.id AS event_id, e.organization_id AS "event_organizationId", e.event_type AS "event_eventType",
  CASE WHEN row_number() OVER (PARTITION BY d.event_id ORDER BY d.id) = 1 THEN e.data::text END AS event_data,
  e.workflow_id AS "event_workflowId", e.channel AS event_channel, e.call_id AS "event_callId", e.created_at AS "event_createdAt",
  e.target_subscription_id AS "event_targetSubscriptionId", e.traceparent AS event_traceparent,
  s.id AS subscription_id, s.kind AS subscription_kind, s.url AS subscription_url, s.headers AS subscription_headers,
  s.secret AS subscription_secret, s.previous_secret AS "subscription_previousSecret",
  s.previous_secret_expires_at AS "subscription_previousSecretExpiresAt", s.signature_scheme AS "subscription_signatureScheme",
  s.previous_signature_scheme AS "subscription_previousSignatureScheme", s.payload_format AS "subscription_payloadFormat",
  s.is_active AS "subscription_isActive", s.max_attempts AS "subscription_maxAttempts",
  s.rate_limit_per_second AS "subscription_rateLimitPerSecond", s.failing_since AS "subscription_failingSince", s.deleted_at AS "subscription_deletedAt"`);

/** The deliveries of these rows; the deliveries of one event share one parsed copy of its data. */
export function toClaimedDeliveries(rows: ClaimedContextRow[]): ClaimedDelivery[] {
  const events = new Map<string, { data: unknown; size: number; deliveries: number }>();
  for (const row of rows) {
    const event = events.get(row.event_id) ?? { data: undefined, size: 0, deliveries: 0 };
    if (row.event_data !== null) {
      event.data = JSON.parse(row.event_data) as unknown;
      event.size = row.event_data.length;
    }
    event.deliveries++;
    events.set(row.event_id, event);
  }
  return rows.map((row) => {
    const { data, size, deliveries } = events.get(row.event_id)!;
    return toClaimedDelivery(row, data, Math.ceil(size / deliveries));
  });
}

/** Splits the flat row into the delivery and its prefixed event_ and subscription_ columns (spelled out: it runs per attempt). */
function toClaimedDelivery(row: ClaimedContextRow, data: unknown, dataSize: number): ClaimedDelivery {
  return {
    id: row.id,
    eventId: row.eventId,
    subscriptionId: row.subscriptionId,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt,
    orderingKey: row.orderingKey,
    blockedBy: row.blockedBy,
    event: {
      id: row.event_id,
      organizationId: row.event_organizationId,
      eventType: row.event_eventType,
      data: data as DeliveryWithContext['event']['data'],
      workflowId: row.event_workflowId,
      channel: row.event_channel,
      callId: row.event_callId,
      createdAt: row.event_createdAt,
      targetSubscriptionId: row.event_targetSubscriptionId,
      traceparent: row.event_traceparent,
    },
    subscription: {
      id: row.subscription_id,
      kind: row.subscription_kind,
      url: row.subscription_url,
      headers: row.subscription_headers,
      secret: row.subscription_secret,
      previousSecret: row.subscription_previousSecret,
      previousSecretExpiresAt: row.subscription_previousSecretExpiresAt,
      signatureScheme: row.subscription_signatureScheme,
      previousSignatureScheme: row.subscription_previousSignatureScheme,
      payloadFormat: row.subscription_payloadFormat,
      isActive: row.subscription_isActive,
      maxAttempts: row.subscription_maxAttempts,
      rateLimitPerSecond: row.subscription_rateLimitPerSecond,
      failingSince: row.subscription_failingSince,
      deletedAt: row.subscription_deletedAt,
    },
    claimed: row.claimed,
    claimedUntil: row.claimedUntil,
    dataSize,
  };
}
