import { Queue } from 'bullmq';
import { HooklinePublisher, MAX_EVENTS_PER_PUBLISHED_JOB, QueueName, redisOptionsFromUrl } from '@app/queue';
import { testConfig } from './support/config';
import { waitFor } from './support/poll';
import { useStack } from './support/stack';

/** Events published over Redis: validated like HTTP input, stored, delivered; invalid ones recorded as rejected. */
describe('worker: events published over Redis', () => {
  const config = testConfig();
  const stack = useStack({ config, orgName: 'worker publisher' });
  let publisher: HooklinePublisher;
  let intake: Queue;

  beforeAll(async () => {
    publisher = stack.publisher();
    intake = stack.queue(QueueName.Intake);
    await stack.createSubscription({ name: 'all', url: `${stack.receiver.url}/hook`, events: ['*'] });
  });

  const storedEvent = async (eventId: string) => {
    const { rows } = await stack.db.query('SELECT status, reject_reason, event_type, fanned_out_at FROM events WHERE id = $1', [eventId]);
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
  const deliveredBodies = () => stack.receiver.requests.map((request) => JSON.parse(request.body));

  it('delivers a valid published event like one posted over HTTP', async () => {
    const { event_id } = await publisher.publish({
      organization_id: stack.org.id,
      event_type: 'invoice.created',
      data: { invoice: 'in_1' },
      workflow_id: 'wf_9',
      call_id: 'call_1',
    });
    const body = await waitFor(() => deliveredBodies().find((candidate) => candidate.event_id === event_id), { what: 'the delivery' });
    expect(body).toEqual({
      event_id,
      event_type: 'invoice.created',
      organization_id: stack.org.id,
      timestamp: expect.any(String),
      workflow_id: 'wf_9',
      call_id: 'call_1',
      data: { invoice: 'in_1' },
    });
    const event = await stack.api.request('GET', `/v1/events/${event_id}`, { key: stack.key });
    expect(event.status).toBe(200);
    expect(event.body).toMatchObject({ event_id, event_type: 'invoice.created', data: { invoice: 'in_1' } });
    await waitFor(async () => (await stack.api.request('GET', `/v1/events/${event_id}`, { key: stack.key })).body.deliveries[0]?.status === 'delivered', {
      what: 'delivered status',
    });
  });

  it('records an invalid event as rejected and keeps working', async () => {
    const invalid = [
      { organization_id: stack.org.id, event_type: 'bad type!', data: {} },
      { organization_id: stack.org.id, event_type: 'ok.type', data: [1, 2] },
      { organization_id: stack.org.id, event_type: 'ok.type', data: {}, unexpected: true },
      { organization_id: stack.org.id, event_type: 'ok.type', data: {}, channel: 'no/slashes' },
      { organization_id: stack.org.id, event_type: 'ok.type', data: { text: 'nul \u0000 inside' } },
      { organization_id: stack.org.id, event_type: 'ok.type', data: deeplyNested(1000) },
    ];
    const ids: string[] = [];
    for (const event of invalid) ids.push((await publisher.publish(event as never)).event_id);
    // An event of an unknown organization cannot be stored (no organization to own it): logged only.
    const orphan = await publisher.publish({ organization_id: 'org_doesnotexist', event_type: 'ok.type', data: {} });
    const { event_id: validId } = await publisher.publish({ organization_id: stack.org.id, event_type: 'after.rejects', data: { n: 1 } });

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
    const first = await publisher.publish({ organization_id: stack.org.id, event_type: 'once.only', data: { n: 1 }, idempotency_key: 'key-1' });
    const second = await publisher.publish({ organization_id: stack.org.id, event_type: 'once.only', data: { n: 2 }, idempotency_key: 'key-1' });
    await handled(first.event_id);
    await handled(second.event_id);
    await waitFor(() => deliveredBodies().some((body) => body.event_id === first.event_id), { what: 'the first event' });
    expect(
      deliveredBodies()
        .filter((body) => body.event_type === 'once.only')
        .map((body) => body.data),
    ).toEqual([{ n: 1 }]);
    expect(await storedEvent(second.event_id)).toBeUndefined();
  });

  it('does not duplicate an event whose job runs twice', async () => {
    const { event_id } = await publisher.publish({ organization_id: stack.org.id, event_type: 'twice.published', data: {} });
    await waitFor(() => deliveredBodies().some((body) => body.event_id === event_id), { what: 'the first run' });
    // The same job again (as after a crash between the insert and the job's completion).
    await handled(event_id);
    await publisher.publish({ event_id, organization_id: stack.org.id, event_type: 'twice.published', data: {} });
    await handled(event_id);
    const event = await stack.api.request('GET', `/v1/events/${event_id}`, { key: stack.key });
    expect(event.body.deliveries).toEqual([expect.objectContaining({ status: 'delivered', attempts: 1 })]);
    expect(deliveredBodies().filter((body) => body.event_id === event_id)).toHaveLength(1);
  });

  describe('publishMany', () => {
    it('sends several events as one job; each is validated, stored and delivered on its own', async () => {
      const results = await publisher.publishMany([
        { organization_id: stack.org.id, event_type: 'many.first', data: { n: 1 }, call_id: 'many-call' },
        { organization_id: stack.org.id, event_type: 'many.second', data: { n: 2 }, idempotency_key: 'many-key' },
        { organization_id: stack.org.id, event_type: 'bad type!', data: {} },
        { organization_id: stack.org.id, event_type: 'many.repeat', data: { n: 3 }, idempotency_key: 'many-key' },
        { event_id: 'evt_chosen_by_the_publisher', organization_id: stack.org.id, event_type: 'many.chosen', data: { n: 4 } },
      ]);
      const ids = results.map((result) => result.event_id);
      expect(ids[4]).toBe('evt_chosen_by_the_publisher');
      expect(new Set(ids).size).toBe(5);
      await handled(ids[0]);

      await waitFor(() => ['many.first', 'many.second', 'many.chosen'].every((type) => deliveredBodies().some((body) => body.event_type === type)), {
        what: 'the valid events',
      });
      expect(deliveredBodies().find((body) => body.event_id === ids[0])).toMatchObject({ event_type: 'many.first', data: { n: 1 }, call_id: 'many-call' });
      expect(deliveredBodies().find((body) => body.event_id === ids[4])).toMatchObject({ event_type: 'many.chosen', data: { n: 4 } });
      expect(await storedEvent(ids[2])).toMatchObject({ status: 'rejected', reject_reason: 'event_type must use only the characters [A-Za-z0-9_.:-]' });
      // The second event with the key repeats the first: not stored, not delivered.
      expect(await storedEvent(ids[3])).toBeUndefined();
      expect(deliveredBodies().filter((body) => body.event_type === 'many.repeat')).toEqual([]);
    });

    it('splits more events than one job carries into several jobs, in one call', async () => {
      // An organization without webhooks: the events are stored, and leave no deliveries behind.
      const { id: quietOrgId } = await stack.api.createOrg('worker publisher, no webhooks');
      const events = Array.from({ length: MAX_EVENTS_PER_PUBLISHED_JOB + 2 }, (_, n) => ({
        organization_id: quietOrgId,
        event_type: 'many.split',
        data: { n },
      }));
      const ids = (await publisher.publishMany(events)).map((result) => result.event_id);
      const firstOfSecondJob = ids[MAX_EVENTS_PER_PUBLISHED_JOB];
      await handled(ids[0]);
      await handled(firstOfSecondJob);
      const { rows } = await stack.db.query(
        "SELECT count(*)::int AS stored FROM events WHERE id = ANY($1) AND status = 'accepted' AND fanned_out_at IS NOT NULL",
        [ids],
      );
      expect(rows[0].stored).toBe(ids.length);
    });

    it('makes one job per MAX_EVENTS_PER_PUBLISHED_JOB events, named by its first event (seen on a queue no worker reads)', async () => {
      const prefix = `${config.queuePrefix}-unread`;
      const idle = new HooklinePublisher({ connection: config.redisUrl, prefix });
      const unread = new Queue(QueueName.Intake, { connection: redisOptionsFromUrl(config.redisUrl), prefix });
      try {
        const events = Array.from({ length: MAX_EVENTS_PER_PUBLISHED_JOB + 1 }, (_, n) => ({
          organization_id: stack.org.id,
          event_type: 'many.shape',
          data: { n },
        }));
        const ids = (await idle.publishMany(events)).map((result) => result.event_id);
        await expect(idle.publishMany([])).resolves.toEqual([]);
        const jobs = (await unread.getJobs(['wait'])).sort((a, b) => b.data.events.length - a.data.events.length);
        expect(
          jobs.map((job) => ({
            id: job.id,
            name: job.name,
            first: job.data.event_id,
            ids: job.data.events.map((event: { event_id: string }) => event.event_id),
          })),
        ).toEqual([
          { id: ids[0], name: 'fan-out', first: ids[0], ids: ids.slice(0, MAX_EVENTS_PER_PUBLISHED_JOB) },
          { id: ids[MAX_EVENTS_PER_PUBLISHED_JOB], name: 'fan-out', first: ids[MAX_EVENTS_PER_PUBLISHED_JOB], ids: ids.slice(MAX_EVENTS_PER_PUBLISHED_JOB) },
        ]);
        expect(jobs[0].data.events[1]).toEqual({ event_id: ids[1], organization_id: stack.org.id, event_type: 'many.shape', data: { n: 1 } });
      } finally {
        await unread.obliterate({ force: true });
        await unread.close();
        await idle.close();
      }
    });
  });
});

function deeplyNested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 0; i < levels; i++) value = { value };
  return value;
}
