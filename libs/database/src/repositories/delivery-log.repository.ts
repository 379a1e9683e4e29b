import { Injectable } from '@nestjs/common';
import type { AccessScope } from '@app/domain/access-scope';
import { Prisma, type Delivery, type DeliveryAttempt, type Subscription } from '@app/generated/prisma/client';
import { deliveriesIn } from '../access-scope-filters';
import { PrismaService } from '../prisma.service';

/** A delivery ("log") with the target it was made for. */
export type DeliveryLog = Delivery & { subscription: Pick<Subscription, 'kind' | 'url' | 'isActive' | 'deletedAt'> };
export type DeliveryLogWithAttempts = DeliveryLog & { attemptsLog: DeliveryAttempt[] };

export interface DeliveryLogFilter {
  subscriptionId?: string;
  eventType?: string;
  status?: string;
}

export interface Page {
  limit: number;
  offset: number;
}

/**
 * A read that summed more counter rows than this compacts the organization's rows first (see the
 * delivery_counts migration); writers compact too, so this is rare.
 */
export const COMPACT_COUNTS_ABOVE = 2_000;

const withTarget = { subscription: { select: { kind: true, url: true, isActive: true, deletedAt: true } } } satisfies Prisma.DeliveryInclude;

@Injectable()
export class DeliveryLogRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * One page of the scope's logs, newest first, and how many match in all. The total is summed from
   * the delivery_counts rows the triggers keep (migration 20261203120000_delivery_counts), not counted
   * from the deliveries: count(*) reads every match, 1M index entries (~330 ms) for an organization's
   * logs/all in bench --big-store, whatever the page.
   */
  async list(scope: AccessScope, filter: DeliveryLogFilter, page: Page): Promise<{ logs: DeliveryLog[]; total: number }> {
    // With a `subscriptionId` (which the caller has checked is in the scope) the scope is not filtered
    // again: every delivery of a subscription is in its scope.
    const where: Prisma.DeliveryWhereInput = {
      ...(filter.subscriptionId ? { subscriptionId: filter.subscriptionId } : deliveriesIn(scope)),
      eventType: filter.eventType,
      status: filter.status,
    };
    const [logs, total] = await Promise.all([
      this.prisma.delivery.findMany({
        where,
        include: withTarget,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: page.limit,
        skip: page.offset,
      }),
      this.count(scope, filter),
    ]);
    return { logs, total };
  }

  /** The number of the scope's deliveries matching `filter`: exactly count(*) in this snapshot. */
  async count(scope: AccessScope, filter: DeliveryLogFilter): Promise<number> {
    const conditions = [Prisma.sql`organization_id = ${scope.organizationId}`];
    if (filter.subscriptionId !== undefined) conditions.push(Prisma.sql`subscription_id = ${filter.subscriptionId}`);
    else if (scope.tenant !== undefined) {
      // The tenant rule of access-scope-filters.ts in SQL: channels exactly [tenant].
      conditions.push(
        Prisma.sql`subscription_id IN (SELECT id FROM subscriptions WHERE organization_id = ${scope.organizationId} AND channels = ARRAY[${scope.tenant}]::text[])`,
      );
    }
    if (filter.eventType !== undefined) conditions.push(Prisma.sql`event_type = ${filter.eventType}`);
    if (filter.status !== undefined) conditions.push(Prisma.sql`status = ${filter.status}`);
    const [row] = await this.prisma.$queryRaw<{ total: bigint; rows: bigint }[]>`
      SELECT coalesce(sum(n), 0)::bigint AS total, count(*) AS rows FROM delivery_counts WHERE ${Prisma.join(conditions, ' AND ')}`;
    if (row.rows > COMPACT_COUNTS_ABOVE) await this.prisma.$executeRaw`SELECT compact_delivery_counts(${scope.organizationId}, NULL)`;
    return Number(row.total);
  }

  async find(scope: AccessScope, id: string): Promise<DeliveryLog | null> {
    return this.prisma.delivery.findFirst({ where: { ...deliveriesIn(scope), id }, include: withTarget });
  }

  /** The log with every HTTP attempt, in attempt order. */
  async findWithAttempts(scope: AccessScope, id: string): Promise<DeliveryLogWithAttempts | null> {
    return this.prisma.delivery.findFirst({
      where: { ...deliveriesIn(scope), id },
      include: { ...withTarget, attemptsLog: { orderBy: [{ attempt: 'asc' }, { startedAt: 'asc' }] } },
    });
  }

  /** Puts a delivery back to pending for an immediate attempt (manual retry); its attempts are kept. */
  async markPendingNow(scope: AccessScope, id: string): Promise<DeliveryLog | null> {
    return this.setSchedule(scope, id, { status: 'pending', nextAttemptAt: null });
  }

  /** Restores a status and schedule saved before markPendingNow (the retry could not be queued). */
  async restoreSchedule(scope: AccessScope, id: string, previous: Pick<Delivery, 'status' | 'nextAttemptAt'>): Promise<void> {
    await this.setSchedule(scope, id, { status: previous.status, nextAttemptAt: previous.nextAttemptAt });
  }

  private async setSchedule(scope: AccessScope, id: string, data: Pick<Delivery, 'status' | 'nextAttemptAt'>): Promise<DeliveryLog | null> {
    const { count } = await this.prisma.delivery.updateMany({ where: { ...deliveriesIn(scope), id }, data });
    return count > 0 ? this.find(scope, id) : null;
  }
}
