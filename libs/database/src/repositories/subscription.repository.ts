import { Injectable } from '@nestjs/common';
import type { AccessScope } from '@app/domain/access-scope';
import { Prisma, type Subscription } from '@app/generated/prisma/client';
import { endpointsIn } from '../access-scope-filters';
import { PrismaService } from '../prisma.service';

/** Subscriptions of kind "subscription" as the configuration API sees them (org-wide webhooks). */
export const SUBSCRIPTION_KIND = 'subscription';

/** Deliveries that may still be attempted; deleting their subscription cancels them. */
const OPEN_DELIVERY_STATUSES = ['pending', 'retrying'];

/** `filter` null (or left out) stores SQL NULL: no payload filter. */
export type SubscriptionCreateInput = Omit<Prisma.SubscriptionUncheckedCreateInput, 'kind' | 'createdAt' | 'updatedAt' | 'deletedAt' | 'filter'> & {
  filter?: Record<string, unknown> | null;
};
/** `filter: null` clears the payload filter. */
export type SubscriptionChanges = Omit<
  Prisma.SubscriptionUncheckedUpdateInput,
  'id' | 'organizationId' | 'kind' | 'createdAt' | 'updatedAt' | 'deletedAt' | 'filter'
> & {
  filter?: Record<string, unknown> | null;
};

@Injectable()
export class SubscriptionRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(input: SubscriptionCreateInput): Promise<Subscription> {
    return this.prisma.subscription.create({ data: { ...input, filter: filterColumn(input.filter ?? null), kind: SUBSCRIPTION_KIND } });
  }

  /** A live (not deleted) subscription within the scope, or null (also for another org's or tenant's id). */
  async findLive(scope: AccessScope, id: string): Promise<Subscription | null> {
    return this.prisma.subscription.findFirst({ where: { ...liveIn(scope), id } });
  }

  /** Every live subscription within the scope, oldest first. */
  async listLive(scope: AccessScope): Promise<Subscription[]> {
    return this.prisma.subscription.findMany({ where: liveIn(scope), orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  /** Applies `changes` and bumps updated_at; null when the subscription is gone or outside the scope. */
  async update(scope: AccessScope, id: string, changes: SubscriptionChanges): Promise<Subscription | null> {
    const { filter, ...columns } = changes;
    const { count } = await this.prisma.subscription.updateMany({
      where: { ...liveIn(scope), id },
      data: { ...columns, ...(filter !== undefined && { filter: filterColumn(filter) }), updatedAt: new Date() },
    });
    return count > 0 ? this.findLive(scope, id) : null;
  }

  /**
   * Soft-deletes the subscription (its logs stay readable) and cancels its open deliveries in the
   * same transaction, so the worker finds nothing left to send. False when there was nothing to delete.
   */
  async softDelete(scope: AccessScope, id: string): Promise<boolean> {
    const now = new Date();
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.subscription.updateMany({
        where: { ...liveIn(scope), id },
        data: { deletedAt: now, isActive: false, updatedAt: now },
      });
      if (count === 0) return false;
      await tx.delivery.updateMany({
        where: { subscriptionId: id, status: { in: OPEN_DELIVERY_STATUSES } },
        data: { status: 'cancelled', nextAttemptAt: null },
      });
      return true;
    });
  }
}

/** Live subscriptions (not channel webhooks, not deleted) within the scope. */
function liveIn(scope: AccessScope): Prisma.SubscriptionWhereInput {
  return { ...endpointsIn(scope), kind: SUBSCRIPTION_KIND, deletedAt: null };
}

/** A JSON column is cleared with Prisma.DbNull (SQL NULL), not with the JSON value null. */
function filterColumn(filter: Record<string, unknown> | null): Prisma.InputJsonValue | typeof Prisma.DbNull {
  return filter === null ? Prisma.DbNull : (filter as Prisma.InputJsonValue);
}
