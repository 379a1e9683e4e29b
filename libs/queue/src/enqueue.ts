import type { Queue } from 'bullmq';
import { JobName, type DeliveryQueue, type IntakeQueue } from './queues';

/**
 * Puts stored events on the intake queue as ONE job naming them all: a job costs BullMQ about 15
 * Redis commands, so 500 events cost one job rather than 500. The job id is the first event's id, so
 * enqueuing twice is harmless; the outbox sweeper still enqueues any of them left unfanned on its own.
 */
export async function enqueueStoredEvents(queue: IntakeQueue, eventIds: string[]): Promise<void> {
  if (eventIds.length === 0) return;
  const [first] = eventIds;
  await queue.add(JobName.FanOut, eventIds.length === 1 ? { event_id: first } : { event_id: first, event_ids: eventIds }, { jobId: first });
}

/**
 * Schedules one delivery (job id = delivery id). When a job for it already waits (a delayed retry),
 * `now` promotes it instead of adding a second one; a job already running is left alone.
 */
export async function enqueueDelivery(queue: DeliveryQueue, deliveryId: string, options: { delayMs?: number; now?: boolean } = {}): Promise<void> {
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
export async function enqueueDeliveries(queue: DeliveryQueue, deliveryIds: string[]): Promise<void> {
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
