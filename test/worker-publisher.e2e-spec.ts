import type { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Pool } from 'pg';
import { HooklinePublisher, QueueName, redisOptionsFromUrl } from '@app/queue';
import { startApi, type TestApi } from './support/api';
import { testConfig } from './support/config';
import { createTestPool } from './support/database';
import { waitFor } from './support/poll';
import { startReceiver, type Receiver } from './support/receiver';
import { startWorker } from './support/worker';

/** Events published over Redis: validated like HTTP input, stored, delivered; invalid ones recorded as rejected. */
describe('worker: events published over Redis', () => {
  const config = testConfig();
  let api: TestApi;
  let worker: INestApplicationContext;
  let receiver: Receiver;
  let publisher: HooklinePublisher;
  let db: Pool;
  let intake: Queue;
  let key: string;
  let orgId: string;

  beforeAll(async () => {
    api = await startApi(config);
    worker = await startWorker(config);
    receiver = await startReceiver();
    publisher = new HooklinePublisher({ connection: config.redisUrl, prefix: config.queuePrefix });
    db = createTestPool(config.databaseUrl);
    intake = new Queue(QueueName.Intake, { connection: redisOptionsFromUrl(config.redisUrl), prefix: config.queuePrefix });
    ({ id: orgId, api_key: key } = await api.createOrg('worker publisher'));
    const response = await api.request('POST', '/v1/webhooks', { key, body: { name: 'all', url: `${receiver.url}/hook`, events: ['*'] } });
    expect(response.status).toBe(201);
  });

  afterAll(async () => {
    await publisher?.close();
    await intake?.close();
    await worker?.close();
    await api?.close();
    await receiver?.close();
    await db?.end();
  });

  const storedEvent = async (eventId: string) => {
    const { rows } = await db.query('SELECT status, reject_reason, event_type, fanned_out_at FROM events WHERE id = $1', [eventId]);
    return rows[0] as { status: string; reject_reason: string | null; event_type: string; fanned_out_at: Date | null } | undefined;
  };
  /** Waits until the intake job is gone (completed jobs are removed); a failed job fails the test. */
  const handled = (jobId: string) =>
    waitFor(
      async () => {
        const job = await intake.getJob(jobId);
        if (job && (await job.getState()) === 'failed') throw new Error(`intake job ${jobId} failed: ${job.failedReason}`);
        return !job;
      },
      { what: `intake job ${jobId} handled` },
    );
  const deliveredBodies = () => receiver.requests.map((request) => JSON.parse(request.body));

  it('delivers a valid published event like one posted over HTTP', async () => {
    const { event_id } = await publisher.publish({
      organization_id: orgId,
      event_type: 'invoice.created',
      data: { invoice: 'in_1' },
      workflow_id: 'wf_9',
      call_id: 'call_1',
    });
    const body = await waitFor(() => deliveredBodies().find((candidate) => candidate.event_id === event_id), { what: 'the delivery' });
    expect(body).toEqual({
      event_id,
      event_type: 'invoice.created',
      organization_id: orgId,
      timestamp: expect.any(String),
      workflow_id: 'wf_9',
      call_id: 'call_1',
      data: { invoice: 'in_1' },
    });
    const event = await api.request('GET', `/v1/events/${event_id}`, { key });
    expect(event.status).toBe(200);
    expect(event.body).toMatchObject({ event_id, event_type: 'invoice.created', data: { invoice: 'in_1' } });
    await waitFor(async () => (await api.request('GET', `/v1/events/${event_id}`, { key })).body.deliveries[0]?.status === 'delivered', { what: 'delivered status' });
  });

  it('records an invalid event as rejected and keeps working', async () => {
    const invalid = [
      { organization_id: orgId, event_type: 'bad type!', data: {} },
      { organization_id: orgId, event_type: 'ok.type', data: [1, 2] },
      { organization_id: orgId, event_type: 'ok.type', data: {}, unexpected: true },
      { organization_id: orgId, event_type: 'ok.type', data: {}, channel: 'no/slashes' },
      { organization_id: orgId, event_type: 'ok.type', data: { text: 'nul \u0000 inside' } },
      { organization_id: orgId, event_type: 'ok.type', data: deeplyNested(1000) },
    ];
    const ids = [];
    for (const event of invalid) ids.push((await publisher.publish(event as never)).event_id);
    // An event of an unknown organization cannot be stored (no organization to own it): logged only.
    const orphan = await publisher.publish({ organization_id: 'org_doesnotexist', event_type: 'ok.type', data: {} });
    const { event_id: validId } = await publisher.publish({ organization_id: orgId, event_type: 'after.rejects', data: { n: 1 } });

    for (const id of [...ids, orphan.event_id]) await handled(id);
    await waitFor(() => deliveredBodies().some((body) => body.event_id === validId), { what: 'the valid event after the invalid ones' });
    const rejected = await Promise.all(ids.map(async (id) => (await storedEvent(id))!));
    expect(rejected.map((event) => event.status)).toEqual(invalid.map(() => 'rejected'));
    expect(rejected.map((event) => event.reject_reason)).toEqual([
      'event_type must use only the characters [A-Za-z0-9_.:-]',
      'data must be a JSON object',
      'property unexpected should not exist',
      'channel must be 1 to 128 characters of [A-Za-z0-9_.:-]',
      'data contains a NUL character or an unpaired UTF-16 surrogate, which cannot be stored',
      'data is nested too deeply (at most 100 levels)',
    ]);
    // Rejected rows count as handled, so the outbox sweeper never re-enqueues them.
    expect(rejected.every((event) => event.fanned_out_at !== null)).toBe(true);
    expect(await storedEvent(orphan.event_id)).toBeUndefined();
    expect(deliveredBodies().filter((body) => ids.includes(body.event_id))).toEqual([]);
  });

  it('honours the idempotency key within the organization', async () => {
    const first = await publisher.publish({ organization_id: orgId, event_type: 'once.only', data: { n: 1 }, idempotency_key: 'key-1' });
    const second = await publisher.publish({ organization_id: orgId, event_type: 'once.only', data: { n: 2 }, idempotency_key: 'key-1' });
    await handled(first.event_id);
    await handled(second.event_id);
    await waitFor(() => deliveredBodies().some((body) => body.event_id === first.event_id), { what: 'the first event' });
    expect(deliveredBodies().filter((body) => body.event_type === 'once.only').map((body) => body.data)).toEqual([{ n: 1 }]);
    expect(await storedEvent(second.event_id)).toBeUndefined();
  });

  it('does not duplicate an event whose job runs twice', async () => {
    const { event_id } = await publisher.publish({ organization_id: orgId, event_type: 'twice.published', data: {} });
    await waitFor(() => deliveredBodies().some((body) => body.event_id === event_id), { what: 'the first run' });
    // The same job again (as after a crash between the insert and the job's completion).
    await handled(event_id);
    await publisher.publish({ event_id, organization_id: orgId, event_type: 'twice.published', data: {} });
    await handled(event_id);
    const event = await api.request('GET', `/v1/events/${event_id}`, { key });
    expect(event.body.deliveries).toEqual([expect.objectContaining({ status: 'delivered', attempts: 1 })]);
    expect(deliveredBodies().filter((body) => body.event_id === event_id)).toHaveLength(1);
  });
});

function deeplyNested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 0; i < levels; i++) value = { value };
  return value;
}
