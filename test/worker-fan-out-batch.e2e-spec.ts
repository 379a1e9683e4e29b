import { enqueueStoredEvents, HooklinePublisher, JobName, QueueName, type IntakeQueue } from '@app/queue';
import { newId } from '@app/domain/ids';
import { testConfig } from './support/config';
import { waitFor } from './support/poll';
import { useStack } from './support/stack';

/**
 * The worker handles concurrent intake jobs as batches (one query for many events, one for the
 * subscriptions of several organizations). These tests give it batches that mix organizations,
 * filters, channels and invalid input, and check each event still reaches exactly its own targets.
 */
describe('worker: batched fan-out and intake', () => {
  const config = testConfig();
  const stack = useStack({ config });
  let intake: IntakeQueue;
  let publisher: HooklinePublisher;
  const orgs: { id: string; key: string; subscriptionIds: Record<string, string> }[] = [];

  beforeAll(async () => {
    intake = stack.queue(QueueName.Intake);
    publisher = stack.publisher();
    for (const name of ['a', 'b']) {
      const org = await stack.addOrg(`fan-out batch ${name}`);
      const subscribe = async (suffix: string, body: Record<string, unknown>) =>
        (await org.createSubscription({ name: `${name}-${suffix}`, url: `${stack.receiver.url}/${name}-${suffix}`, ...body })).id;
      const subscriptionIds = {
        all: await subscribe('all', { events: ['*'] }),
        orders: await subscribe('orders', { events: ['order.*'] }),
        queue: await subscribe('queue', { events: ['*'], channels: ['queue:1'] }),
      };
      orgs.push({ id: org.id, key: org.key, subscriptionIds });
    }
  });

  /** Stores an accepted event the way the API does, without enqueuing it. */
  const storeEvent = async (organizationId: string, eventType: string, channel: string | null = null) => {
    const id = newId('evt');
    await stack.db.query(`INSERT INTO events (id, organization_id, event_type, data, channel, status) VALUES ($1, $2, $3, $4, $5, 'accepted')`, [
      id,
      organizationId,
      eventType,
      JSON.stringify(dataOf(id)),
      channel,
    ]);
    return id;
  };
  /** Each event's own data, so a delivery carrying another event's data (or none) shows. */
  const dataOf = (eventId: string) => ({ n: 1, event: eventId });
  const receivedDataOf = (eventId: string) =>
    stack.receiver.requests
      .map((request) => JSON.parse(request.body))
      .filter((body) => body.event_id === eventId)
      .map((body) => body.data);
  const receivedPathsOf = (eventId: string) =>
    stack.receiver.requests
      .filter((request) => JSON.parse(request.body).event_id === eventId)
      .map((request) => request.path)
      .sort();
  const deliveriesOf = async (eventId: string) => {
    const { rows } = await stack.db.query('SELECT subscription_id, status FROM deliveries WHERE event_id = $1 ORDER BY subscription_id', [eventId]);
    return rows as { subscription_id: string; status: string }[];
  };

  it('fans out every event of one multi-event intake job to exactly its own organization’s matching subscriptions', async () => {
    const [a, b] = orgs;
    const events = [
      { id: await storeEvent(a.id, 'order.paid'), expected: ['/a-all', '/a-orders'] },
      { id: await storeEvent(a.id, 'user.created', 'queue:1'), expected: ['/a-all', '/a-queue'] },
      { id: await storeEvent(b.id, 'order.refunded', 'queue:2'), expected: ['/b-all', '/b-orders'] },
      { id: await storeEvent(b.id, 'user.deleted'), expected: ['/b-all'] },
    ];
    // The producers' own helper: one job naming all four events, its id the first event's.
    await enqueueStoredEvents(
      intake,
      events.map((event) => event.id),
    );

    for (const event of events) {
      await waitFor(() => receivedPathsOf(event.id).length >= event.expected.length, { what: `deliveries of ${event.id}` });
    }
    // Nothing more arrives for them once the worker is idle.
    await waitFor(async () => (await intake.getJobCounts('active', 'wait')).active === 0, { what: 'intake idle' });
    for (const event of events) {
      expect(receivedPathsOf(event.id)).toEqual(event.expected);
      // Every subscription gets the event's data (the statement sends it once per event).
      expect(receivedDataOf(event.id)).toEqual(event.expected.map(() => dataOf(event.id)));
      const { rows } = await stack.db.query('SELECT fanned_out_at FROM events WHERE id = $1', [event.id]);
      expect(rows[0].fanned_out_at).not.toBeNull();
    }
  });

  it('fans out many concurrent single-event jobs of two organizations without mixing them up', async () => {
    const [a, b] = orgs;
    const events: { id: string; org: typeof a; type: string }[] = [];
    for (let i = 0; i < 40; i++) {
      const org = i % 2 === 0 ? a : b;
      const type = i % 3 === 0 ? 'order.created' : 'note.added';
      events.push({ id: await storeEvent(org.id, type), org, type });
    }
    await intake.addBulk(events.map((event) => ({ name: JobName.FanOut, data: { event_id: event.id }, opts: { jobId: event.id } })));

    for (const event of events) {
      const expected = [event.org.subscriptionIds.all, ...(event.type.startsWith('order.') ? [event.org.subscriptionIds.orders] : [])].sort();
      const deliveries = await waitFor(
        async () => {
          const rows = await deliveriesOf(event.id);
          return rows.length === expected.length && rows.every((row) => row.status === 'delivered') ? rows : undefined;
        },
        { what: `deliveries of ${event.id}` },
      );
      expect(deliveries.map((row) => row.subscription_id)).toEqual(expected);
    }
    // Each delivery made exactly one attempt, recorded once.
    const { rows } = await stack.db.query(
      `SELECT d.id, count(a.id)::int AS attempts FROM deliveries d LEFT JOIN delivery_attempts a ON a.delivery_id = d.id
       WHERE d.event_id = ANY($1) GROUP BY d.id`,
      [events.map((event) => event.id)],
    );
    expect(rows.length).toBe(events.length + events.filter((event) => event.type.startsWith('order.')).length);
    expect(rows.every((row: { attempts: number }) => row.attempts === 1)).toBe(true);
  });

  it('accepts a burst of published events where invalid ones and unknown organizations fail alone', async () => {
    const [a] = orgs;
    const valid = await Promise.all(Array.from({ length: 20 }, (_, i) => publisher.publish({ organization_id: a.id, event_type: 'burst.tick', data: { i } })));
    const invalid = await publisher.publish({ organization_id: a.id, event_type: 'has spaces', data: { i: -1 } });
    const unknownOrg = await publisher.publish({ organization_id: 'org_does_not_exist', event_type: 'burst.tick', data: {} });

    const statusOf = async (eventId: string) =>
      (await stack.db.query('SELECT status FROM events WHERE id = $1', [eventId])).rows[0]?.status as string | undefined;
    await waitFor(async () => (await statusOf(invalid.event_id)) === 'rejected', { what: 'the invalid event recorded as rejected' });
    for (const { event_id } of valid) {
      await waitFor(() => receivedPathsOf(event_id).length === 1, { what: `delivery of ${event_id}` });
      expect(await statusOf(event_id)).toBe('accepted');
    }
    await waitFor(async () => !(await intake.getJob(unknownOrg.event_id)), { what: 'the unknown organization’s job handled' });
    expect(await statusOf(unknownOrg.event_id)).toBeUndefined();
    expect(receivedPathsOf(invalid.event_id)).toEqual([]);
  });
});
