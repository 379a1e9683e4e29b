import type { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Pool } from 'pg';
import { newId } from '@app/domain/ids';
import { JobName, QueueName, redisOptionsFromUrl } from '@app/queue';
import { OutboxSweeper } from '../apps/worker/src/maintenance/outbox-sweeper.service';
import { startApi, type TestApi } from './support/api';
import { testConfig } from './support/config';
import { createTestPool } from './support/database';
import { waitFor } from './support/poll';
import { startReceiver, type Receiver } from './support/receiver';
import { startWorker } from './support/worker';

/**
 * The API enqueues events stored together as one intake job naming them in its data (event_ids).
 * While such a job waits in a backlog its events have no job of their own id; the outbox sweep must
 * not take them for lost and fan them out a second time.
 */
describe('maintenance: outbox sweep and batch intake jobs', () => {
  const config = testConfig();
  let api: TestApi;
  let worker: INestApplicationContext;
  let receiver: Receiver;
  let db: Pool;
  let intake: Queue;
  let orgId: string;

  beforeAll(async () => {
    api = await startApi(config);
    worker = await startWorker(config);
    receiver = await startReceiver();
    db = createTestPool(config.databaseUrl);
    intake = new Queue(QueueName.Intake, { connection: redisOptionsFromUrl(config.redisUrl), prefix: config.queuePrefix });
    const org = await api.createOrg('sweep batch');
    orgId = org.id;
    const response = await api.request('POST', '/v1/webhooks', { key: org.api_key, body: { name: 'all', url: `${receiver.url}/hook`, events: ['*'] } });
    expect(response.status).toBe(201);
  });

  afterAll(async () => {
    await intake?.resume();
    await intake?.close();
    await worker?.close();
    await api?.close();
    await receiver?.close();
    await db?.end();
  });

  const storeEvent = async (ageSeconds: number) => {
    const id = newId('evt');
    await db.query(
      `INSERT INTO events (id, organization_id, event_type, data, status, created_at) VALUES ($1, $2, 'sweep.batch', '{}', 'accepted', now() - make_interval(secs => $3))`,
      [id, orgId, ageSeconds],
    );
    return id;
  };
  const received = (eventId: string) => receiver.requests.filter((request) => request.headers['webhook-id'] === eventId).length;

  it('leaves events waiting in a batch intake job alone and enqueues only the event that has no job', async () => {
    // The backlog: no intake job runs until the queue is resumed.
    await intake.pause();
    const lost = await storeEvent(60);
    const batched = [await storeEvent(0), await storeEvent(0), await storeEvent(0)];
    await intake.add(JobName.FanOut, { event_id: batched[0], event_ids: batched }, { jobId: batched[0] });

    // Swept as if a minute had passed while the batch job waited. (The test database is shared: the
    // sweep also enqueues other files' unfanned events, so only these events' jobs are checked.)
    await worker.get(OutboxSweeper).sweepEvents(new Date(Date.now() + 60_000));
    expect(await intake.getJobState(lost)).toBe('waiting');
    for (const id of batched.slice(1)) expect(await intake.getJobState(id)).toBe('unknown');

    await intake.resume();
    const all = [lost, ...batched];
    await waitFor(() => all.every((id) => received(id) > 0), { what: 'all four deliveries' });
    await waitFor(async () => (await intake.getJobCounts('wait', 'active')).wait === 0, { what: 'the intake queue drained' });
    for (const id of all) expect(received(id)).toBe(1);
  });
});
