import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { FanOutRepository } from '@app/database/repositories/fan-out.repository';
import { QueueName, enqueueDeliveries, type DeliveryJob } from '@app/queue';
import { receivesEvent } from './target-matching';

@Injectable()
export class FanOutService {
  private readonly logger = new Logger(FanOutService.name);

  constructor(
    private readonly repository: FanOutRepository,
    @InjectQueue(QueueName.Deliveries) private readonly deliveriesQueue: Queue<DeliveryJob>,
  ) {}

  /**
   * Creates one delivery per matching subscription and enqueues the event's open deliveries. Safe to
   * run twice: existing (event, subscription) pairs are kept and jobs are keyed by delivery id.
   */
  async fanOut(eventId: string): Promise<void> {
    const event = await this.repository.findEventForFanOut(eventId);
    if (!event) {
      this.logger.warn({ event_id: eventId, msg: 'event not found; intake job dropped' });
      return;
    }
    if (event.status !== 'accepted') return;

    let matched: number | undefined;
    let openDeliveryIds: string[];
    if (!event.fannedOutAt || event._count.deliveries === 0) {
      const targets = (await this.repository.findCandidates(event)).filter((candidate) => receivesEvent(candidate, event));
      openDeliveryIds = await this.repository.createDeliveries(event, targets.map((target) => target.id));
      matched = targets.length;
    } else {
      openDeliveryIds = await this.repository.openDeliveryIds(event.id);
    }
    await enqueueDeliveries(this.deliveriesQueue, openDeliveryIds);
    const what = matched === undefined ? "re-enqueued" : `matched ${matched} subscription(s)`;
    this.logger.debug({ event_id: event.id, event_type: event.eventType, organization_id: event.organizationId, deliveries: openDeliveryIds.length, msg: `${what}; delivery jobs enqueued` });
  }
}
