import type { LoggerService } from '@nestjs/common';
import type { Worker } from 'bullmq';

/** How long to wait for the worker's Redis connection to say whether it is up. */
const CONNECTION_CHECK_MS = 200;

/**
 * Closes a BullMQ worker for shutdown. While Redis is connected it waits for the jobs in flight, for
 * at most `graceMs`; while Redis is away it closes at once: BullMQ's graceful close would wait for
 * Redis to come back (its QUIT and the jobs' last commands queue up in ioredis), holding SIGTERM off
 * for good. A job cut short that way runs again once its lock lapses (at-least-once).
 */
export async function closeWorker(worker: Worker, logger: LoggerService, graceMs: number): Promise<void> {
  if (!(await redisConnected(worker))) {
    logger.warn(`closing the ${worker.name} worker without waiting for its jobs: Redis is not connected`);
    await worker.close(true);
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
  const outcome = await Promise.race([worker.close().then(() => 'closed' as const), deadline]);
  clearTimeout(timer);
  if (outcome === 'late') logger.warn(`the ${worker.name} worker did not close within ${graceMs} ms (Redis lost meanwhile?); shutting down anyway`);
}

async function redisConnected(worker: Worker): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  // The client promise stays pending while the first connection has not been made.
  const unknown = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), CONNECTION_CHECK_MS)));
  const client = await Promise.race([worker.getBackend().client, unknown]);
  clearTimeout(timer);
  return client?.status === 'ready';
}
