import { Injectable } from '@nestjs/common';
import { Prisma, type Delivery } from '@app/generated/prisma/client';
import { PrismaService } from '../prisma.service';
import { DELIVERY_CONTEXT_COLUMNS, toClaimedDeliveries, type ClaimedContextRow, type ClaimedDelivery } from './delivery-context';
import { OPEN_DELIVERY_STATUSES } from './fan-out.repository';

/** One HTTP attempt as stored in delivery_attempts. */
export interface AttemptRecord {
  id: string;
  attempt: number;
  url: string;
  startedAt: Date;
  durationMs: number;
  responseStatus: number | null;
  responseBody: string | null;
  errorMessage: string | null;
  success: boolean;
}

/** One attempt to record with recordAttempts. */
export interface AttemptEntry {
  delivery: Pick<Delivery, 'id' | 'subscriptionId'>;
  attempt: AttemptRecord;
  update: DeliveryUpdate;
}

/** The delivery's state after the attempt. */
export interface DeliveryUpdate {
  status: 'delivered' | 'retrying' | 'failed';
  responseStatus: number | null;
  errorMessage: string | null;
  lastAttemptAt: Date;
  nextAttemptAt: Date | null;
}

/** Changes to the subscription an attempt causes; each is written only when given. */
export interface SubscriptionChange {
  /** Deactivate (410 Gone), with the reason shown to the user. */
  disabledReason?: string;
  /** Start (a failure while none was running) or end (a success) the run of failures. */
  failingSince?: 'start' | 'clear';
}

/** A delivery due this much later is claimed anyway (clock slack between workers and PostgreSQL). */
const DUE_TOLERANCE_MS = 250;

@Injectable()
export class DeliveryRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Claims the deliveries that may be attempted now (open, not waiting behind their ordering key, due,
   * and not held by a live claim) for `ttlMs`, and returns every delivery asked for with its event and
   * subscription, claimed or not (missing ids are left out). One statement: the claim is what keeps
   * a replayed job, a sweep or a second worker from sending a delivery twice while it is in flight.
   */
  async claim(ids: string[], ttlMs: number): Promise<ClaimedDelivery[]> {
    const rows = await this.prisma.$queryRaw<ClaimedContextRow[]>`
      WITH updated AS (
        UPDATE deliveries SET claimed_until = now() + ${ttlMs} * interval '1 millisecond'
        WHERE id = ANY(${ids}::text[]) AND status IN (${Prisma.join(OPEN_DELIVERY_STATUSES)}) AND blocked_by IS NULL
          AND (claimed_until IS NULL OR claimed_until < now())
          AND (next_attempt_at IS NULL OR next_attempt_at <= now() + ${DUE_TOLERANCE_MS} * interval '1 millisecond')
        RETURNING id
      )
      SELECT ${DELIVERY_CONTEXT_COLUMNS},
             u.id IS NOT NULL AS claimed, d.claimed_until AS "claimedUntil"
      FROM deliveries d
      JOIN events e ON e.id = d.event_id
      JOIN subscriptions s ON s.id = d.subscription_id
      LEFT JOIN updated u ON u.id = d.id
      WHERE d.id = ANY(${ids}::text[])`;
    return toClaimedDeliveries(rows);
  }

  /** Extends the claims this worker still holds (attempts still in flight) by `ttlMs` from now. */
  async renewClaims(ids: string[], ttlMs: number): Promise<void> {
    if (ids.length === 0) return;
    await this.prisma.$executeRaw`
      UPDATE deliveries SET claimed_until = now() + ${ttlMs} * interval '1 millisecond'
      WHERE id = ANY(${ids}::text[]) AND claimed_until IS NOT NULL`;
  }

  /** Gives up claims without an attempt (the deliveries go to the queue instead). */
  async releaseClaims(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.prisma.$executeRaw`UPDATE deliveries SET claimed_until = NULL WHERE id = ANY(${ids}::text[]) AND claimed_until IS NOT NULL`;
  }

  /**
   * The open deliveries no longer waiting in these (subscription, ordering key) queues: after a
   * delivery of the key ended, its successor (released by the trigger in that same transaction).
   */
  async findOrderedHeads(keys: { subscriptionId: string; orderingKey: string }[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT id FROM deliveries
      WHERE (subscription_id, ordering_key) IN (SELECT * FROM unnest(${keys.map((k) => k.subscriptionId)}::text[], ${keys.map((k) => k.orderingKey)}::text[]))
        AND ordering_key IS NOT NULL -- lets the planner use the partial index of ordered deliveries
        AND status IN (${Prisma.join(OPEN_DELIVERY_STATUSES)}) AND blocked_by IS NULL`;
    return rows.map((row) => row.id);
  }

  /** Cancels a delivery that is still open; returns false when it had already ended. */
  async cancel(id: string, reason: string): Promise<boolean> {
    const { count } = await this.prisma.delivery.updateMany({
      where: { id, status: { in: OPEN_DELIVERY_STATUSES } },
      data: { status: 'cancelled', errorMessage: reason, nextAttemptAt: null, claimedUntil: null },
    });
    return count === 1;
  }

  /**
   * Reschedules an open delivery without an attempt (circuit breaker open, rate limit reached): only
   * next_attempt_at moves, the status stays pending or retrying. False when it had already ended.
   */
  async postpone(id: string, until: Date): Promise<boolean> {
    const { count } = await this.prisma.delivery.updateMany({
      where: { id, status: { in: OPEN_DELIVERY_STATUSES } },
      data: { nextAttemptAt: until, claimedUntil: null },
    });
    return count === 1;
  }

  /**
   * Writes the attempt row, the delivery's new state and the subscription changes atomically, in one
   * statement (one round trip: these writes are the worker's main cost per attempt). The delivery is
   * updated only while it is still open (a concurrent cancel or success wins); the attempt is
   * recorded anyway, since the request was sent. Returns whether the delivery was updated.
   */
  async recordAttempt(
    delivery: Pick<Delivery, 'id' | 'subscriptionId'>,
    attempt: AttemptRecord,
    update: DeliveryUpdate,
    change: SubscriptionChange = {},
  ): Promise<boolean> {
    const [updated] = await this.writeAttempts([{ delivery, attempt, update }], subscriptionUpdate(delivery.subscriptionId, attempt.startedAt, change));
    return updated;
  }

  /**
   * recordAttempt for many attempts in one statement (no subscription changes: the caller writes
   * those few attempts one by one). Answers, per attempt, whether its delivery was updated.
   */
  async recordAttempts(entries: AttemptEntry[]): Promise<boolean[]> {
    if (entries.length === 0) return [];
    return this.writeAttempts(entries, Prisma.empty);
  }

  /** The one attempt statement: the entries as arrays (unnest), then the delivery UPDATE, the attempt INSERT and `extraCte`. */
  private async writeAttempts(entries: AttemptEntry[], extraCte: Prisma.Sql): Promise<boolean[]> {
    const column = <T>(pick: (entry: AttemptEntry) => T): T[] => entries.map(pick);
    const iso = (date: Date | null) => (date ? date.toISOString() : null);
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      WITH input AS (
        SELECT * FROM unnest(
          ${column((e) => e.attempt.id)}::text[], ${column((e) => e.delivery.id)}::text[], ${column((e) => e.delivery.subscriptionId)}::text[],
          ${column((e) => e.attempt.attempt)}::int[], ${column((e) => e.attempt.url)}::text[], ${column((e) => iso(e.attempt.startedAt))}::timestamptz[],
          ${column((e) => e.attempt.durationMs)}::int[], ${column((e) => e.attempt.responseStatus)}::int[], ${column((e) => e.attempt.responseBody)}::text[],
          ${column((e) => e.attempt.errorMessage)}::text[], ${column((e) => e.attempt.success)}::boolean[],
          ${column((e) => e.update.status)}::text[], ${column((e) => e.update.responseStatus)}::int[], ${column((e) => e.update.errorMessage)}::text[],
          ${column((e) => iso(e.update.lastAttemptAt))}::timestamptz[], ${column((e) => iso(e.update.nextAttemptAt))}::timestamptz[]
        ) AS t(attempt_id, delivery_id, subscription_id, attempt, url, started_at, duration_ms, response_status, response_body, error_message, success,
               new_status, new_response_status, new_error_message, last_attempt_at, next_attempt_at)
      ), updated AS (
        UPDATE deliveries d
        SET status = i.new_status, attempts = i.attempt, response_status = i.new_response_status, error_message = i.new_error_message,
            last_attempt_at = i.last_attempt_at, next_attempt_at = i.next_attempt_at, claimed_until = NULL
        FROM input i
        WHERE d.id = i.delivery_id AND d.status IN (${Prisma.join(OPEN_DELIVERY_STATUSES)})
        RETURNING d.id
      ), recorded AS (
        INSERT INTO delivery_attempts (id, delivery_id, subscription_id, attempt, url, started_at, duration_ms, response_status, response_body, error_message, success)
        SELECT attempt_id, delivery_id, subscription_id, attempt, url, started_at, duration_ms, response_status, response_body, error_message, success FROM input
      )${extraCte}
      SELECT id FROM updated`;
    const updated = new Set(rows.map((row) => row.id));
    return entries.map((entry) => updated.has(entry.delivery.id));
  }
}

/**
 * The subscription's part of an attempt, as one more CTE (one UPDATE: a row may be changed only once
 * per statement). failing_since is bookkeeping and leaves updated_at alone; deactivation sets it.
 */
function subscriptionUpdate(subscriptionId: string, startedAt: Date, change: SubscriptionChange): Prisma.Sql {
  const assignments: Prisma.Sql[] = [];
  if (change.disabledReason !== undefined) {
    assignments.push(Prisma.sql`is_active = false, disabled_reason = ${change.disabledReason}, updated_at = now()`);
  }
  if (change.failingSince === 'start') assignments.push(Prisma.sql`failing_since = COALESCE(failing_since, ${startedAt}::timestamptz)`);
  if (change.failingSince === 'clear') assignments.push(Prisma.sql`failing_since = NULL`);
  if (assignments.length === 0) return Prisma.empty;
  return Prisma.sql`, subscription AS (UPDATE subscriptions SET ${Prisma.join(assignments)} WHERE id = ${subscriptionId})`;
}
