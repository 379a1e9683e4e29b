import type { DefaultJobOptions } from 'bullmq';

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

/** An event as published over Redis (HooklinePublisher) or already persisted by the API. */
export interface PublishedEvent {
  organization_id: string;
  event_type: string;
  data: Record<string, unknown>;
  workflow_id?: string;
  channel?: string;
  call_id?: string;
  idempotency_key?: string;
}

/**
 * Intake job: `event_id` names the event. When `event` is present the event came over Redis and
 * the worker validates and persists it; otherwise the API has already stored it. `event_ids`, when
 * present, names more events the API stored together (a batch): one job fans them all out, so a
 * batch of 500 events costs the queue one job rather than 500.
 */
export interface IntakeJob {
  event_id: string;
  event?: PublishedEvent;
  event_ids?: string[];
}

/** Delivery job: one per Delivery row, job id = delivery id; the worker reloads state from PostgreSQL. */
export interface DeliveryJob {
  delivery_id: string;
}

export interface JobPayloads {
  [QueueName.Intake]: IntakeJob;
  [QueueName.Deliveries]: DeliveryJob;
}

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
