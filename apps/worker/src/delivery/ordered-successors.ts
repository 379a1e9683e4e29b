import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { DeliveryRepository } from '@app/database/repositories/delivery.repository';
import { MicroBatcher } from '@app/domain/micro-batcher';
import { QueueName, enqueueDeliveries, type DeliveryQueue } from '@app/queue';

/** A delivery of a "per_key" subscription that just ended. */
export interface OrderedEnd {
  subscriptionId: string;
  orderingKey: string;
}

const BATCH_WAIT_MS = 2;
const MAX_BATCH_KEYS = 200;

/**
 * Enqueues, at once, the delivery that waited for one that ended: PostgreSQL released it (blocked_by
 * cleared by the trigger, in the transaction that recorded the end); this puts its job on the queue.
 * Ends of many keys share one query and one addBulk. If this is lost (a crash, Redis down), the outbox
 * sweeper finds the released delivery overdue and enqueues it.
 */
@Injectable()
export class OrderedSuccessors {
  private readonly logger = new Logger(OrderedSuccessors.name);
  private readonly batcher = new MicroBatcher<OrderedEnd, void>((ends) => this.enqueueHeads(ends), { maxItems: MAX_BATCH_KEYS, maxWaitMs: BATCH_WAIT_MS });

  constructor(
    private readonly deliveries: DeliveryRepository,
    @InjectQueue(QueueName.Deliveries) private readonly queue: DeliveryQueue,
  ) {}

  async afterEnd(end: OrderedEnd): Promise<void> {
    try {
      await this.batcher.add(end);
    } catch (error) {
      this.logger.warn({ subscription_id: end.subscriptionId, error_message: (error as Error).message, msg: 'successor not enqueued; left to the sweeper' });
    }
  }

  private async enqueueHeads(ends: OrderedEnd[]): Promise<void[]> {
    await enqueueDeliveries(this.queue, await this.deliveries.findOrderedHeads(ends));
    return ends.map(() => undefined);
  }
}
