import type { DefaultJobOptions, Job, Queue } from 'bullmq';

/**
 * Queue names. Renaming one strands the jobs already waiting under the old name:
 * drain the old queue (or move its jobs) before deploying a rename.
 */
export const QueueName = {
  Intake: 'hookline-intake',
  Deliveries: 'hookline-deliveries',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const JobName = {
  FanOut: 'fan-out',
  Deliver: 'deliver',
} as const;

/** An event as published over Redis (HooklinePublisher); the worker validates it as POST /v1/events does. */
export interface PublishedEvent {
  organization_id: string;
  event_type: string;
  data: Record<string, unknown>;
  workflow_id?: string;
  channel?: string;
  call_id?: string;
  idempotency_key?: string;
  /** Orders deliveries to "per_key" subscriptions (see EventCreateDto.ordering_key). */
  ordering_key?: string;
  /** W3C traceparent of the publisher's span: the event's fan-out and deliveries continue its trace. */
  traceparent?: string;
}

/** A published event with the id it is stored under (chosen by the publisher, or generated). */
export type IdentifiedPublishedEvent = PublishedEvent & { event_id: string };

/*
 * Intake jobs. Each names its first event in `event_id` (also its job id). The shapes are the wire
 * format: jobs already waiting in Redis and publishers of older versions send them, so a member may
 * be added but not changed. Tell them apart with `classifyIntakeJob`.
 */

/** One event already stored (by the API, the auto-disable notice or the outbox sweeper): fan it out. */
export interface StoredEventJob {
  event_id: string;
}
/** Events stored together by the API (a batch, or coalesced requests): one job fans them all out. */
export interface StoredEventBatchJob {
  event_id: string;
  event_ids: string[];
}
/** One event published over Redis (HooklinePublisher.publish): validate, store, fan out. */
export interface PublishedEventJob {
  event_id: string;
  event: PublishedEvent;
}
/** Events published together (HooklinePublisher.publishMany): one job for all of them. */
export interface PublishedEventBatchJob {
  event_id: string;
  events: IdentifiedPublishedEvent[];
}
export type IntakeJob = StoredEventJob | StoredEventBatchJob | PublishedEventJob | PublishedEventBatchJob;

/** An intake job with the member it is (told by the field only that member has). */
export type ClassifiedIntakeJob =
  | { kind: 'stored'; job: StoredEventJob }
  | { kind: 'stored-batch'; job: StoredEventBatchJob }
  | { kind: 'published'; job: PublishedEventJob }
  | { kind: 'published-batch'; job: PublishedEventBatchJob };

export function classifyIntakeJob(job: IntakeJob): ClassifiedIntakeJob {
  if ('events' in job) return { kind: 'published-batch', job };
  if ('event' in job) return { kind: 'published', job };
  if ('event_ids' in job) return { kind: 'stored-batch', job };
  return { kind: 'stored', job };
}

/** Delivery job: one per Delivery row, job id = delivery id; the worker reloads state from PostgreSQL. */
export interface DeliveryJob {
  delivery_id: string;
}

/** Each job name and its payload: producers and processors use the queue types below. */
export interface JobPayloads {
  [JobName.FanOut]: IntakeJob;
  [JobName.Deliver]: DeliveryJob;
}
/** A queue whose `add` takes only its job name and that job's payload. */
export type QueueOf<Name extends keyof JobPayloads> = Queue<JobPayloads[Name], void, Name>;
export type IntakeQueue = QueueOf<typeof JobName.FanOut>;
export type DeliveryQueue = QueueOf<typeof JobName.Deliver>;
/** A job as a processor receives it. */
export type JobOf<Name extends keyof JobPayloads> = Job<JobPayloads[Name], void, Name>;
export type IntakeJobRun = JobOf<typeof JobName.FanOut>;
export type DeliveryJobRun = JobOf<typeof JobName.Deliver>;

/**
 * Delivery retries (backoff) are scheduled by the worker itself from the subscription's policy;
 * BullMQ's own attempts only cover infrastructure failures (PostgreSQL down mid-job).
 */
export const defaultJobOptions: DefaultJobOptions = {
  attempts: 25,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
};
