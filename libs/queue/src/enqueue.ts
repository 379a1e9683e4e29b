import type { Queue } from 'bullmq';
import { JobName, type DeliveryJob, type IntakeJob } from './queues';

/** Puts an event on the intake queue; the event id is the job id, so enqueuing twice is harmless. */
export async function enqueueIntake(queue: Queue<IntakeJob>, eventId: string): Promise<void> {
  await queue.add(JobName.FanOut, { event_id: eventId }, { jobId: eventId });
}

/**
 * Schedules one delivery (job id = delivery id). When a job for it already waits (a delayed retry),
 * `now` promotes it instead of adding a second one; a job already running is left alone.
 */
export async function enqueueDelivery(queue: Queue<DeliveryJob>, deliveryId: string, options: { delayMs?: number; now?: boolean } = {}): Promise<void> {
  const existing = await queue.getJob(deliveryId);
  if (existing) {
    const state = await existing.getState();
    if (state === 'delayed' && options.now) {
      await existing.promote();
      return;
    }
    if (state === 'delayed' || state === 'waiting' || state === 'active' || state === 'prioritized' || state === 'waiting-children') return;
    // completed or failed jobs linger only briefly; clear them so the delivery can be scheduled again
    await existing.remove().catch(() => undefined);
  }
  await queue.add(JobName.Deliver, { delivery_id: deliveryId }, { jobId: deliveryId, delay: options.delayMs });
}

/** Adds many delivery jobs in one round trip (fan-out); existing job ids are skipped by BullMQ. */
export async function enqueueDeliveries(queue: Queue<DeliveryJob>, deliveryIds: string[]): Promise<void> {
  if (deliveryIds.length === 0) return;
  await queue.addBulk(deliveryIds.map((id) => ({ name: JobName.Deliver, data: { delivery_id: id }, opts: { jobId: id } })));
}

/**
 * Whether the queue's Redis connection is up right now. While Redis is down ioredis holds commands
 * in memory until it reconnects; callers that have a fallback (the outbox sweeper) skip the enqueue.
 */
export async function queueIsConnected(queue: Queue, waitMs = 100): Promise<boolean> {
  const client = await Promise.race([queue.getBackend().client, new Promise<null>((resolve) => setTimeout(resolve, waitMs, null).unref())]);
  return client?.status === 'ready';
}
