import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { IntakeJob } from '@app/queue';
import { describeRetry } from '../worker-options';
import { closeWorker } from '../worker-shutdown';
import { FanOutService } from './fan-out.service';
import { PublishedEventService } from './published-event.service';

/** Fan-out jobs are a few queries each: in-flight ones finish well within this on shutdown. */
const FAN_OUT_SHUTDOWN_GRACE_MS = 10_000;

/**
 * Consumes the intake queue: an event published over Redis is validated and stored first, then
 * every event is fanned out to its subscriptions (registered by configuredProcessor).
 */
@Injectable()
export class FanOutProcessor extends WorkerHost implements OnModuleDestroy {
  private readonly logger = new Logger(FanOutProcessor.name);

  constructor(
    private readonly publishedEvents: PublishedEventService,
    private readonly fanOut: FanOutService,
  ) {
    super();
  }

  async process(job: Job<IntakeJob>): Promise<void> {
    const { event_ids: eventIds } = job.data;
    if (Array.isArray(eventIds)) {
      // Stored together by the API; fanned out together (FanOutService batches them).
      await Promise.all(eventIds.filter((id): id is string => typeof id === 'string').map((id) => this.fanOut.fanOut(id)));
      return;
    }
    const eventId = job.data.event !== undefined ? await this.publishedEvents.accept(job.data) : job.data.event_id;
    if (eventId) await this.fanOut.fanOut(eventId);
  }

  async onModuleDestroy(): Promise<void> {
    await closeWorker(this.worker, this.logger, FAN_OUT_SHUTDOWN_GRACE_MS);
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job<IntakeJob> | undefined, error: Error): void {
    this.logger.error(`intake job ${job?.id} failed (${describeRetry(job)}): ${error.message}`);
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.logger.error(`intake worker: ${error.message}`);
  }
}
