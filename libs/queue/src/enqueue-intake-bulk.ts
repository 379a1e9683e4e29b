import type { Queue } from 'bullmq';
import { JobName, type IntakeJob } from './queues';

/** Puts many events on the intake queue in one round trip; job id = event id, as enqueueIntake. */
export async function enqueueIntakeBulk(queue: Queue<IntakeJob>, eventIds: string[]): Promise<void> {
  if (eventIds.length === 0) return;
  await queue.addBulk(eventIds.map((id) => ({ name: JobName.FanOut, data: { event_id: id }, opts: { jobId: id } })));
}

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
