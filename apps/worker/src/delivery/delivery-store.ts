import { Injectable } from '@nestjs/common';
import {
  DeliveryRepository,
  type AttemptEntry,
  type AttemptRecord,
  type DeliveryUpdate,
  type SubscriptionChange,
} from '@app/database/repositories/delivery.repository';
import type { Delivery } from '@app/generated/prisma/client';
import { MicroBatcher, settleEach } from '@app/domain/micro-batcher';

/**
 * How long a read or write waits for others to share its round trip. Jobs of one worker start and
 * end a few hundred microseconds apart under load, so a couple of milliseconds gather most of them.
 */
const BATCH_WAIT_MS = 2;
/** Rows per statement at most (a statement's parameters are arrays, so this bounds its size only). */
const MAX_BATCH_ROWS = 200;

/**
 * The delivery path's attempt writes, batched: concurrent attempts are recorded in one statement.
 * Every attempt still waits for its own write before it counts as done, so an attempt is never lost;
 * a row PostgreSQL refuses fails only its own attempt.
 */
@Injectable()
export class DeliveryStore {
  private readonly attempts = new MicroBatcher<AttemptEntry, boolean>(
    (entries) =>
      settleEach(
        entries,
        (all) => this.repository.recordAttempts(all),
        (entry) => this.repository.recordAttempt(entry.delivery, entry.attempt, entry.update),
      ),
    { maxItems: MAX_BATCH_ROWS, maxWaitMs: BATCH_WAIT_MS },
  );

  constructor(private readonly repository: DeliveryRepository) {}

  /**
   * Records the attempt and the delivery's new state; see DeliveryRepository.recordAttempt. The few
   * attempts that change their subscription (410, a run of failures starting or ending) are written
   * on their own.
   */
  recordAttempt(
    delivery: Pick<Delivery, 'id' | 'subscriptionId'>,
    attempt: AttemptRecord,
    update: DeliveryUpdate,
    change: SubscriptionChange,
  ): Promise<boolean> {
    if (Object.keys(change).length > 0) return this.repository.recordAttempt(delivery, attempt, update, change);
    return this.attempts.add({ delivery, attempt, update });
  }
}
