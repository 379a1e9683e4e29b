import { Injectable } from '@nestjs/common';
import type { Prisma, Subscription } from '@app/generated/prisma/client';
import { PrismaService } from '../prisma.service';

/** Subscriptions of kind "subscription" as the configuration API sees them (org-wide webhooks). */
export const SUBSCRIPTION_KIND = 'subscription';

/** Deliveries that may still be attempted; deleting their subscription cancels them. */
const OPEN_DELIVERY_STATUSES = ['pending', 'retrying'];

export type SubscriptionCreateInput = Omit<Prisma.SubscriptionUncheckedCreateInput, 'kind' | 'createdAt' | 'updatedAt' | 'deletedAt'>;
export type SubscriptionChanges = Omit<Prisma.SubscriptionUncheckedUpdateInput, 'id' | 'organizationId' | 'kind' | 'createdAt' | 'updatedAt' | 'deletedAt'>;

@Injectable()
export class SubscriptionRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(input: SubscriptionCreateInput): Promise<Subscription> {
    return this.prisma.subscription.create({ data: { ...input, kind: SUBSCRIPTION_KIND } });
  }

  /** A live (not deleted) subscription of the organization, or null (also for another org's id). */
  async findLive(organizationId: string, id: string): Promise<Subscription | null> {
    return this.prisma.subscription.findFirst({ where: { id, organizationId, kind: SUBSCRIPTION_KIND, deletedAt: null } });
  }

  /** Every live subscription of the organization, oldest first. */
  async listLive(organizationId: string): Promise<Subscription[]> {
    return this.prisma.subscription.findMany({
      where: { organizationId, kind: SUBSCRIPTION_KIND, deletedAt: null },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }

  /** Applies `changes` and bumps updated_at; null when the subscription is gone or not the org's. */
  async update(organizationId: string, id: string, changes: SubscriptionChanges): Promise<Subscription | null> {
    const { count } = await this.prisma.subscription.updateMany({
      where: { id, organizationId, kind: SUBSCRIPTION_KIND, deletedAt: null },
      data: { ...changes, updatedAt: new Date() },
    });
    return count > 0 ? this.findLive(organizationId, id) : null;
  }

  /**
   * Soft-deletes the subscription (its logs stay readable) and cancels its open deliveries in the
   * same transaction, so the worker finds nothing left to send. False when there was nothing to delete.
   */
  async softDelete(organizationId: string, id: string): Promise<boolean> {
    const now = new Date();
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.subscription.updateMany({
        where: { id, organizationId, kind: SUBSCRIPTION_KIND, deletedAt: null },
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
