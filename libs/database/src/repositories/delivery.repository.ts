import { Injectable } from '@nestjs/common';
import type { Delivery, Event, Prisma, Subscription } from '@app/generated/prisma/client';
import { PrismaService } from '../prisma.service';
import { OPEN_DELIVERY_STATUSES } from './fan-out.repository';

export type DeliveryWithContext = Delivery & { event: Event; subscription: Subscription };

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

@Injectable()
export class DeliveryRepository {
  constructor(private readonly prisma: PrismaService) {}

  async findWithContext(id: string): Promise<DeliveryWithContext | null> {
    return this.prisma.delivery.findUnique({ where: { id }, include: { event: true, subscription: true } });
  }

  /** Cancels a delivery that is still open; returns false when it had already ended. */
  async cancel(id: string, reason: string): Promise<boolean> {
    const { count } = await this.prisma.delivery.updateMany({
      where: { id, status: { in: OPEN_DELIVERY_STATUSES } },
      data: { status: 'cancelled', errorMessage: reason, nextAttemptAt: null },
    });
    return count === 1;
  }

  /**
   * Writes the attempt row, the delivery's new state and the subscription changes in one transaction.
   * The delivery is updated only while it is still open (a concurrent cancel or success wins); the
   * attempt is recorded anyway, since the request was sent. Returns whether the delivery was updated.
   */
  async recordAttempt(delivery: Pick<Delivery, 'id' | 'subscriptionId'>, attempt: AttemptRecord, update: DeliveryUpdate, change: SubscriptionChange = {}): Promise<boolean> {
    const subscriptionId = delivery.subscriptionId;
    const writes: Prisma.PrismaPromise<unknown>[] = [
      this.prisma.delivery.updateMany({
        where: { id: delivery.id, status: { in: OPEN_DELIVERY_STATUSES } },
        data: { ...update, attempts: attempt.attempt },
      }),
      this.prisma.deliveryAttempt.create({ data: { ...attempt, deliveryId: delivery.id, subscriptionId } }),
    ];
    if (change.disabledReason !== undefined) {
      writes.push(this.prisma.subscription.update({ where: { id: subscriptionId }, data: { isActive: false, disabledReason: change.disabledReason } }));
    }
    // Raw SQL so this bookkeeping does not touch updated_at (@updatedAt), which users read as "last edited".
    if (change.failingSince === 'start') {
      writes.push(this.prisma.$executeRaw`UPDATE subscriptions SET failing_since = ${attempt.startedAt} WHERE id = ${subscriptionId} AND failing_since IS NULL`);
    } else if (change.failingSince === 'clear') {
      writes.push(this.prisma.$executeRaw`UPDATE subscriptions SET failing_since = NULL WHERE id = ${subscriptionId} AND failing_since IS NOT NULL`);
    }
    const [deliveryUpdate] = (await this.prisma.$transaction(writes)) as [Prisma.BatchPayload, ...unknown[]];
    return deliveryUpdate.count === 1;
  }
}
