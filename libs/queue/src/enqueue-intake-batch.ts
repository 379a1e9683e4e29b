import type { Queue } from 'bullmq';
import { JobName, type IntakeJob } from './queues';

/**
 * Puts events stored together on the intake queue as ONE job naming them all (`event_ids`): a job
 * costs BullMQ about 15 Redis commands, so 500 events cost one job rather than 500. The job id is
 * the first event's id; the outbox sweeper still enqueues any of them left unfanned on its own.
 */
export async function enqueueIntakeBatch(queue: Queue<IntakeJob>, eventIds: string[]): Promise<void> {
  if (eventIds.length === 0) return;
  if (eventIds.length === 1) {
    await queue.add(JobName.FanOut, { event_id: eventIds[0] }, { jobId: eventIds[0] });
    return;
  }
  await queue.add(JobName.FanOut, { event_id: eventIds[0], event_ids: eventIds }, { jobId: eventIds[0] });
}
