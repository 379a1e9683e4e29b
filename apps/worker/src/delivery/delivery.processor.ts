import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { DelayedError } from 'bullmq';
import { HOOKLINE_CONFIG, type HooklineConfig } from '@app/config';
import type { DeliveryJobRun } from '@app/queue';
import { describeRetry } from '../worker-options';
import { closeWorker } from '../worker-shutdown';
import { DeliveryService } from './delivery.service';

/**
 * Consumes the deliveries queue (registered with its worker options by configuredProcessor). A retry
 * keeps the same job: it is moved back to the delayed set until the next attempt is due.
 */
@Injectable()
export class DeliveryProcessor extends WorkerHost implements OnModuleDestroy {
  private readonly logger = new Logger(DeliveryProcessor.name);

  constructor(
    private readonly deliveries: DeliveryService,
    @Inject(HOOKLINE_CONFIG) private readonly config: HooklineConfig,
  ) {
    super();
  }

  async process(job: DeliveryJobRun, token?: string): Promise<void> {
    const { retryAt } = await this.deliveries.deliver(job.data.delivery_id);
    if (!retryAt) return;
    await job.moveToDelayed(retryAt.getTime(), token);
    // Tells BullMQ the job was rescheduled, not completed nor failed.
    throw new DelayedError();
  }

  /** Finishes in-flight attempts before the database connections close (graceful shutdown). */
  async onModuleDestroy(): Promise<void> {
    this.logger.log('shutting down: finishing in-flight deliveries');
    // An attempt in flight ends within the request timeout; the margin is for recording it.
    await closeWorker(this.worker, this.logger, this.config.requestTimeoutMs + 5_000);
    this.logger.log('deliveries worker closed');
  }

  @OnWorkerEvent('failed')
  onFailed(job: DeliveryJobRun | undefined, error: Error): void {
    this.logger.error(`delivery job ${job?.id} failed (${describeRetry(job)}): ${error.message}`);
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.logger.error(`deliveries worker: ${error.message}`);
  }
}
