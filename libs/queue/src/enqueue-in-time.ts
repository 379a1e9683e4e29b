import type { Queue } from 'bullmq';
import { withTimeout } from '@app/domain/with-timeout';
import { queueIsConnected } from './enqueue';

/**
 * How long a caller whose rows are already stored waits for Redis before it answers anyway: the
 * rows are the source of truth, and the outbox sweeper enqueues whatever was left.
 */
export const ENQUEUE_TIMEOUT_MS = 2_000;

/**
 * Runs `enqueue` for rows already stored, bounded in time. Answers true when Redis took the jobs;
 * false when it is down or too slow (after calling `onLeft` with the reason): the caller then leaves
 * the rows to the outbox sweeper, or undoes what it wrote. With Redis down it answers at once
 * instead of piling commands up in ioredis' offline queue.
 */
export async function enqueueInTime(
  queue: Queue,
  enqueue: () => Promise<unknown>,
  onLeft: (reason: string) => void,
  timeoutMs = ENQUEUE_TIMEOUT_MS,
): Promise<boolean> {
  try {
    if (!(await queueIsConnected(queue))) throw new Error('Redis is not connected');
    await withTimeout(enqueue(), timeoutMs, 'the enqueue');
    return true;
  } catch (error) {
    onLeft((error as Error).message);
    return false;
  }
}
