import { Injectable } from '@nestjs/common';
import { Prisma } from '@app/generated/prisma/client';
import { PrismaService } from '../prisma.service';
import { OPEN_DELIVERY_STATUSES } from './fan-out.repository';

/** Deliveries that will never be attempted again; only these are removed by retention. */
export const FINISHED_DELIVERY_STATUSES = ['delivered', 'failed', 'cancelled'];

/** Where a retention pass stopped: events are visited in (created_at, id) order. */
export interface EventCursor {
  createdAt: Date;
  id: string;
}

/** Rows one retention batch removed. */
export interface RetentionBatchResult {
  /** The last event of the batch, to continue after; null when no old event was left to visit. */
  next: EventCursor | null;
  attempts: number;
  deliveries: number;
  events: number;
}

/**
 * The worker's housekeeping queries: finding events and deliveries whose jobs may have been lost (the
 * outbox sweeper) and deleting old rows (retention). Every statement touches a bounded number of rows.
 */
@Injectable()
export class MaintenanceRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Accepted events not yet fanned out and created before `createdBefore`, by id after `afterId`. */
  async findUnfannedEventIds(createdBefore: Date, afterId: string, limit: number): Promise<string[]> {
    const rows = await this.prisma.event.findMany({
      where: { fannedOutAt: null, status: 'accepted', createdAt: { lt: createdBefore }, id: { gt: afterId } },
      select: { id: true },
      orderBy: { id: 'asc' },
      take: limit,
    });
    return rows.map((row) => row.id);
  }

  /**
   * Open deliveries due before `dueBefore` (next_attempt_at, or created_at when none was scheduled)
   * that no live claim holds, by id after `afterId`: those that should have been attempted by now.
   */
  async findOverdueDeliveryIds(dueBefore: Date, afterId: string, limit: number): Promise<string[]> {
    const rows = await this.prisma.delivery.findMany({
      where: {
        status: { in: OPEN_DELIVERY_STATUSES },
        // A delivery waiting behind another of its ordering key is enqueued once released.
        blockedBy: null,
        // A delivery being attempted; a crashed worker's claim lapses within CLAIM_TTL_MS.
        AND: [{ OR: [{ claimedUntil: null }, { claimedUntil: { lt: new Date() } }] }],
        id: { gt: afterId },
        OR: [{ nextAttemptAt: { lt: dueBefore } }, { nextAttemptAt: null, createdAt: { lt: dueBefore } }],
      },
      select: { id: true },
      orderBy: { id: 'asc' },
      take: limit,
    });
    return rows.map((row) => row.id);
  }

  /**
   * One retention step over the next `eventBatch` events created before `cutoff` (after `after`):
   * deletes the attempts of their finished deliveries, those deliveries, then the events left without
   * any delivery. Events never fanned out and deliveries still open are kept. Deletes run in
   * statements of at most `deleteBatch` rows, each its own short transaction.
   */
  async deleteExpiredBatch(cutoff: Date, after: EventCursor | null, eventBatch: number, deleteBatch: number): Promise<RetentionBatchResult> {
    const afterClause = after ? Prisma.sql`AND (created_at, id) > (${after.createdAt}, ${after.id})` : Prisma.empty;
    const events = await this.prisma.$queryRaw<{ id: string; created_at: Date }[]>`
      SELECT id, created_at FROM events
      WHERE created_at < ${cutoff} AND fanned_out_at IS NOT NULL ${afterClause}
      ORDER BY created_at, id
      LIMIT ${eventBatch}`;
    if (events.length === 0) return { next: null, attempts: 0, deliveries: 0, events: 0 };

    const eventIds = Prisma.join(events.map((event) => event.id));
    const finished = Prisma.join(FINISHED_DELIVERY_STATUSES);
    const attempts = await this.repeatUntilNone(
      () => this.prisma.$executeRaw`
        DELETE FROM delivery_attempts WHERE id IN (
          SELECT a.id FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
          WHERE d.event_id IN (${eventIds}) AND d.status IN (${finished})
          LIMIT ${deleteBatch})`,
      deleteBatch,
    );
    // A delivery reopened meanwhile (manual retry) is no longer finished and stays; the cascade
    // takes any attempt it recorded after the statement above.
    const deliveries = await this.repeatUntilNone(
      () => this.prisma.$executeRaw`
        DELETE FROM deliveries WHERE id IN (
          SELECT id FROM deliveries WHERE event_id IN (${eventIds}) AND status IN (${finished})
          LIMIT ${deleteBatch})`,
      deleteBatch,
    );
    const deletedEvents = await this.prisma.$executeRaw`
      DELETE FROM events e
      WHERE e.id IN (${eventIds}) AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id)`;
    const last = events[events.length - 1];
    return { next: { createdAt: last.created_at, id: last.id }, attempts, deliveries, events: deletedEvents };
  }

  /** Runs a bounded DELETE until it removes fewer rows than its limit; returns the total removed. */
  private async repeatUntilNone(deleteBatch: () => Promise<number>, limit: number): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await deleteBatch();
      total += deleted;
      if (deleted < limit) return total;
    }
  }
}
