import { Processor, type WorkerHost } from '@nestjs/bullmq';
import type { Provider, Type } from '@nestjs/common';
import type { Job, WorkerOptions } from 'bullmq';
import type { HooklineConfig } from '@app/config';

/** Worker options as @Processor() takes them (the connection comes from BullModule). */
export type ProcessorWorkerOptions = Omit<WorkerOptions, 'connection'>;

/** How often a job may be taken over from a crashed worker before BullMQ fails it. */
const MAX_STALLED_COUNT = 3;

/** BullMQ worker settings from the validated config. */
export function workerOptions(config: HooklineConfig, concurrency: number): ProcessorWorkerOptions {
  return {
    concurrency,
    lockDuration: config.workerLockDurationMs,
    // A crashed worker's jobs are picked up by the first check after its locks expire.
    stalledInterval: config.workerLockDurationMs,
    maxStalledCount: MAX_STALLED_COUNT,
  };
}

export const deliveryWorkerOptions = (config: HooklineConfig) => workerOptions(config, config.workerConcurrency);
/** Concurrent intake jobs share their queries (PublishedEventService and FanOutService batch them), so they cost the pool little. */
export const intakeWorkerOptions = (config: HooklineConfig) => workerOptions(config, config.workerConcurrency);

/**
 * Registers `processor` as the BullMQ worker of `queue` with settings from the config. @Processor()
 * options are fixed when the class is declared, before the config is read, so the decorator is
 * applied to a subclass made per config (two workers with different configs may share a process).
 */
export function configuredProcessor(processor: Type<WorkerHost>, queue: string, options: ProcessorWorkerOptions): Provider {
  const configured = class extends (processor as Type) {};
  Object.defineProperty(configured, 'name', { value: processor.name });
  Processor(queue, options)(configured);
  return { provide: processor, useClass: configured };
}

/** For the log line of a failed job run: whether BullMQ runs it again. */
export function describeRetry(job: Job | undefined): string {
  if (!job) return 'unknown job';
  const allowed = job.opts.attempts ?? 1;
  return job.attemptsMade < allowed ? `run ${job.attemptsMade} of ${allowed}, BullMQ retries it` : `run ${job.attemptsMade}, no runs left`;
}
