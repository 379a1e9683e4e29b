import type { Queue } from 'bullmq';
import { JobName, type IntakeJob } from './queues';

/** Puts many events on the intake queue in one round trip; job id = event id, as enqueueIntake. */
export async function enqueueIntakeBulk(queue: Queue<IntakeJob>, eventIds: string[]): Promise<void> {
  if (eventIds.length === 0) return;
  await queue.addBulk(eventIds.map((id) => ({ name: JobName.FanOut, data: { event_id: id }, opts: { jobId: id } })));
}
