import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { DeliveryRecoveryRepository, type RecoveryCursor } from '@app/database/repositories/delivery-recovery.repository';
import { SubscriptionRepository } from '@app/database/repositories/subscription.repository';
import type { AccessScope } from '@app/domain/access-scope';
import { DomainError, notFound } from '@app/domain/errors';
import { timeWindow, type TimeWindow } from '@app/domain/time-window';
import { ENQUEUE_TIMEOUT_MS, QueueName, enqueueDelivery, enqueueInTime, type DeliveryQueue } from '@app/queue';
import type { RecoverDto } from './recovery.dto';

/** The longest window one recover call may cover. */
export const MAX_RECOVERY_WINDOW_MS = 14 * 24 * 3600_000;
/** Deliveries put back to pending (and enqueued) per step. */
const BATCH_SIZE = 500;
/** A batch is BATCH_SIZE jobs (a lookup and an add each): it gets more time than one enqueue. */
const BATCH_ENQUEUE_TIMEOUT_MS = 2.5 * ENQUEUE_TIMEOUT_MS;

@Injectable()
export class RecoveryService {
  private readonly logger = new Logger(RecoveryService.name);

  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly recovery: DeliveryRecoveryRepository,
    @InjectQueue(QueueName.Deliveries) private readonly deliveriesQueue: DeliveryQueue,
  ) {}

  /**
   * Replays every failed delivery of the subscription created within [since, until]: back to
   * pending, queued for an immediate attempt (attempt n+1, like a manual retry). The rows are the
   * source of truth: if Redis cannot take the jobs, the outbox sweeper enqueues them later.
   */
  async recover(scope: AccessScope, subscriptionId: string, body: RecoverDto): Promise<{ recovered: number }> {
    const { since, until } = recoveryWindow(body, new Date());
    const subscription = await this.subscriptions.findLive(scope, subscriptionId);
    if (!subscription) throw notFound('Subscription');
    // The worker cancels deliveries of inactive webhooks, so replaying now would only end them cancelled.
    if (!subscription.isActive) {
      throw new DomainError('conflict', 'The webhook is inactive; re-enable it (PATCH is_active: true) before recovering its deliveries.');
    }

    let recovered = 0;
    let enqueueing = true;
    let cursor: RecoveryCursor | null = null;
    for (;;) {
      const batch = await this.recovery.markFailedPending(subscriptionId, since, until, cursor, BATCH_SIZE);
      recovered += batch.length;
      if (batch.length === 0) break;
      cursor = lastOf(batch);
      if (enqueueing)
        enqueueing = await this.enqueue(
          batch.map((delivery) => delivery.id),
          subscriptionId,
        );
      if (batch.length < BATCH_SIZE) break;
    }
    this.logger.log(`recovered ${recovered} failed delivery(ies) of subscription ${subscriptionId} created ${since.toISOString()} .. ${until.toISOString()}`);
    return { recovered };
  }

  /** Enqueues the batch; false when Redis did not take it in time (the sweeper will). */
  private enqueue(ids: string[], subscriptionId: string): Promise<boolean> {
    return enqueueInTime(
      this.deliveriesQueue,
      () => Promise.all(ids.map((id) => enqueueDelivery(this.deliveriesQueue, id, { now: true }))),
      (reason) =>
        this.logger.warn(
          `recovery of subscription ${subscriptionId}: deliveries set pending but not all enqueued (${reason}); the outbox sweeper will enqueue them`,
        ),
      BATCH_ENQUEUE_TIMEOUT_MS,
    );
  }
}

/** Parses and checks the window: since ≤ until (default now), at most 14 days apart. */
export function recoveryWindow(body: RecoverDto, now: Date): TimeWindow {
  return timeWindow(body, { now, maxSpanMs: MAX_RECOVERY_WINDOW_MS, maxSpanText: '14 days' });
}

function lastOf(batch: RecoveryCursor[]): RecoveryCursor {
  return batch.reduce((last, row) =>
    row.createdAt > last.createdAt || (row.createdAt.getTime() === last.createdAt.getTime() && row.id > last.id) ? row : last,
  );
}
