import { Injectable } from '@nestjs/common';
import { Prisma, type DeliveryAttempt, type Subscription } from '@app/generated/prisma/client';
import { PrismaService } from '../prisma.service';
import { COMPACT_COUNTS_ABOVE } from './delivery-log.repository';

/** Subscriptions of kind "channel": the one webhook of a channel (a resource) in an organization. */
export const CHANNEL_KIND = 'channel';

/** Deliveries that may still be attempted; deleting the webhook cancels them. */
const OPEN_DELIVERY_STATUSES = ['pending', 'retrying'];

export interface ChannelWebhookCreateInput {
  id: string;
  organizationId: string;
  channel: string;
  name: string;
  url: string;
  /** The token, as stored (encrypted when ENCRYPTION_KEY is set). */
  secret: string;
  payloadFormat: string;
}

export type ChannelWebhookChanges = Pick<
  Prisma.SubscriptionUncheckedUpdateInput,
  'url' | 'secret' | 'payloadFormat' | 'isActive' | 'disabledReason' | 'failingSince'
>;

/** One HTTP attempt with the event it carried. */
export type ChannelWebhookAttempt = DeliveryAttempt & { delivery: { eventId: string; eventType: string } };

export interface AttemptPage {
  limit: number;
  offset: number;
}

/** True when a write hit the (organization, channel) unique index: another request created it first. */
export function isChannelTaken(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

@Injectable()
export class ChannelWebhookRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The live webhook of the organization's channel, or null. */
  async findLive(organizationId: string, channel: string): Promise<Subscription | null> {
    return this.prisma.subscription.findFirst({ where: this.liveWhere(organizationId, channel) });
  }

  /** Throws a P2002 error (see isChannelTaken) when the channel already has a live webhook. */
  async create(input: ChannelWebhookCreateInput): Promise<Subscription> {
    return this.prisma.subscription.create({
      data: { ...input, kind: CHANNEL_KIND, channelKey: input.channel, events: ['*'], channels: [] },
    });
  }

  /** Applies `changes` to the live webhook; null when the channel has none (or it was just deleted). */
  async update(organizationId: string, channel: string, changes: ChannelWebhookChanges): Promise<Subscription | null> {
    const { count } = await this.prisma.subscription.updateMany({
      where: this.liveWhere(organizationId, channel),
      data: { ...changes, updatedAt: new Date() },
    });
    return count > 0 ? this.findLive(organizationId, channel) : null;
  }

  /**
   * Soft-deletes the channel's webhook and cancels its open deliveries in one transaction. The row
   * keeps `channel` for its logs; `channelKey` goes back to null so the channel can get a new webhook.
   */
  async softDelete(organizationId: string, channel: string): Promise<boolean> {
    const now = new Date();
    return this.prisma.$transaction(async (tx) => {
      const live = await tx.subscription.findMany({ where: this.liveWhere(organizationId, channel), select: { id: true } });
      if (live.length === 0) return false;
      const ids = live.map(({ id }) => id);
      await tx.subscription.updateMany({
        where: { id: { in: ids }, deletedAt: null },
        data: { deletedAt: now, isActive: false, channelKey: null, updatedAt: now },
      });
      await tx.delivery.updateMany({
        where: { subscriptionId: { in: ids }, status: { in: OPEN_DELIVERY_STATUSES } },
        data: { status: 'cancelled', nextAttemptAt: null },
      });
      return true;
    });
  }

  /**
   * One page of the HTTP attempts made for the channel's webhooks, newest first, and their total.
   * Includes the attempts of webhooks the channel had before (deleted, then set again). The total is
   * summed from the delivery_attempt_counts rows the triggers keep (migration
   * 20261203120000_delivery_counts): counting 200,000 attempts took ~100 ms in bench --big-store.
   */
  async listAttempts(organizationId: string, channel: string, page: AttemptPage): Promise<{ attempts: ChannelWebhookAttempt[]; total: number }> {
    const webhooks = await this.prisma.subscription.findMany({
      where: { organizationId, kind: CHANNEL_KIND, channel },
      select: { id: true },
    });
    if (webhooks.length === 0) return { attempts: [], total: 0 };
    const ids = webhooks.map(({ id }) => id);
    const total = await this.countAttempts(ids);
    if (page.offset >= total) return { attempts: [], total };
    const attempts = await this.prisma.deliveryAttempt.findMany({
      where: { subscriptionId: { in: ids } },
      include: { delivery: { select: { eventId: true, eventType: true } } },
      orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
      take: page.limit,
      skip: page.offset,
    });
    return { attempts, total };
  }

  /** The number of attempts made for these subscriptions: exactly count(*) in this snapshot. */
  private async countAttempts(subscriptionIds: string[]): Promise<number> {
    const [row] = await this.prisma.$queryRaw<{ total: bigint; rows: bigint }[]>`
      SELECT coalesce(sum(n), 0)::bigint AS total, count(*) AS rows FROM delivery_attempt_counts WHERE subscription_id = ANY(${subscriptionIds}::text[])`;
    if (row.rows > COMPACT_COUNTS_ABOVE) {
      for (const id of subscriptionIds) await this.prisma.$executeRaw`SELECT compact_delivery_attempt_counts(${id})`;
    }
    return Number(row.total);
  }

  private liveWhere(organizationId: string, channel: string): Prisma.SubscriptionWhereInput {
    return { organizationId, kind: CHANNEL_KIND, channelKey: channel, deletedAt: null };
  }
}
