import { Queue } from 'bullmq';
import { newId } from '@app/domain/ids';
import { JobName, QueueName, redisOptionsFromUrl } from '@app/queue';
import { OutboxSweeper } from '../apps/worker/src/maintenance/outbox-sweeper.service';
import { waitFor } from './support/poll';
import { startStack, type Stack } from './support/stack';

/**
 * The API enqueues events stored together as one intake job naming them in its data (event_ids).
 * While such a job waits in a backlog its events have no job of their own id; the outbox sweep must
 * not take them for lost and fan them out a second time.
 */
describe('maintenance: outbox sweep and batch intake jobs', () => {
  let stack: Stack;
  let intake: Queue;

  beforeAll(async () => {
    stack = await startStack({ orgName: 'sweep batch' });
    intake = new Queue(QueueName.Intake, { connection: redisOptionsFromUrl(stack.config.redisUrl), prefix: stack.config.queuePrefix });
    await stack.createSubscription({ name: 'all', url: `${stack.receiver.url}/hook`, events: ['*'] });
  });

  afterAll(async () => {
    await intake?.resume();
    await intake?.close();
    await stack?.stop();
  });

  const storeEvent = async (ageSeconds: number) => {
    const id = newId('evt');
    await stack.db.query(
      `INSERT INTO events (id, organization_id, event_type, data, status, created_at) VALUES ($1, $2, 'sweep.batch', '{}', 'accepted', now() - make_interval(secs => $3))`,
      [id, stack.org.id, ageSeconds],
    );
    return id;
  };
  const received = (eventId: string) => stack.receiver.requests.filter((request) => request.headers['webhook-id'] === eventId).length;

  it('leaves events waiting in a batch intake job alone and enqueues only the event that has no job', async () => {
    // The backlog: no intake job runs until the queue is resumed.
    await intake.pause();
    const lost = await storeEvent(60);
    const batched = [await storeEvent(0), await storeEvent(0), await storeEvent(0)];
    await intake.add(JobName.FanOut, { event_id: batched[0], event_ids: batched }, { jobId: batched[0] });

    // Swept as if a minute had passed while the batch job waited.
    expect(await stack.worker.get(OutboxSweeper).sweepEvents(new Date(Date.now() + 60_000))).toBe(1);
    expect(await intake.getJobState(lost)).toBe('waiting');
    for (const id of batched.slice(1)) expect(await intake.getJobState(id)).toBe('unknown');

    await intake.resume();
    const all = [lost, ...batched];
    await waitFor(() => all.every((id) => received(id) > 0), { what: 'all four deliveries' });
    await waitFor(async () => (await intake.getJobCounts('wait', 'active')).wait === 0, { what: 'the intake queue drained' });
    for (const id of all) expect(received(id)).toBe(1);
  });
});
