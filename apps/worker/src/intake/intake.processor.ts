import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { classifyIntakeJob, type IntakeJobRun } from '@app/queue';
import { FanOutService } from '../fan-out/fan-out.service';
import { describeRetry } from '../worker-options';
import { closeWorker } from '../worker-shutdown';
import { PublishedEventService } from './published-event.service';

/** Intake jobs are a few queries each: in-flight ones finish well within this on shutdown. */
const INTAKE_SHUTDOWN_GRACE_MS = 10_000;

/**
 * Consumes the intake queue: events published over Redis are validated and stored first, then every
 * event is fanned out to its subscriptions; a job naming several events is handled as one batch
 * (registered by configuredProcessor).
 */
@Injectable()
export class IntakeProcessor extends WorkerHost implements OnModuleDestroy {
  private readonly logger = new Logger(IntakeProcessor.name);

  constructor(
    private readonly publishedEvents: PublishedEventService,
    private readonly fanOut: FanOutService,
  ) {
    super();
  }

  async process(job: IntakeJobRun): Promise<void> {
    const intake = classifyIntakeJob(job.data);
    switch (intake.kind) {
      case 'stored':
        return this.fanOut.fanOut(intake.job.event_id);
      case 'stored-batch':
        return this.fanOut.fanOutMany(stringsOf(intake.job.event_ids));
      case 'published': {
        const eventId = await this.publishedEvents.accept(intake.job);
        if (eventId) await this.fanOut.fanOut(eventId);
        return;
      }
      case 'published-batch':
        return this.fanOut.fanOutMany(await this.publishedEvents.acceptMany(intake.job.events));
    }
  }

  async onModuleDestroy(): Promise<void> {
    await closeWorker(this.worker, this.logger, INTAKE_SHUTDOWN_GRACE_MS);
  }

  @OnWorkerEvent('failed')
  onFailed(job: IntakeJobRun | undefined, error: Error): void {
    this.logger.error(`intake job ${job?.id} failed (${describeRetry(job)}): ${error.message}`);
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.logger.error(`intake worker: ${error.message}`);
  }
}

/** The ids a stored-batch job names: it came through Redis, so anything but a string is left out. */
function stringsOf(values: unknown): string[] {
  return Array.isArray(values) ? values.filter((value): value is string => typeof value === 'string') : [];
}
