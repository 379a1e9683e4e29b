import { Queue } from 'bullmq';
import { JobName, QueueName, redisOptionsFromUrl } from '@app/queue';
import { waitFor } from './support/poll';
import { startReceiver, type Receiver } from './support/receiver';
import { startStack, type Stack } from './support/stack';

/**
 * First attempts are sent by the worker that fans the event out, under a claim in PostgreSQL: a job
 * for a delivery already in flight waits for the claim instead of sending it again, and a hanging
 * endpoint holds neither the other deliveries of its batch nor the fan-out.
 */
describe('delivery claims and inline first attempts', () => {
  let stack: Stack;
  let hanging: Receiver;
  let deliveries: Queue;

  beforeAll(async () => {
    // 1 s claims, so that a job that finds its delivery claimed looks again soon.
    stack = await startStack({ config: { workerLockDurationMs: 1000, requestTimeoutMs: 10_000, workerConcurrency: 20 } });
    hanging = await startReceiver(() => undefined); // never answers: each request waits for the 10 s timeout
    deliveries = new Queue(QueueName.Deliveries, { connection: redisOptionsFromUrl(stack.config.redisUrl), prefix: stack.config.queuePrefix });
  });

  afterAll(async () => {
    await deliveries?.close();
    await stack?.stop();
    await hanging?.close();
  });

  it('does not send a delivery twice when a job for it runs while its first attempt is in flight', async () => {
    let release: (() => void) | undefined;
    stack.receiver.respondWith((request, response) => {
      if (request.path !== '/held') return void response.writeHead(200).end('ok');
      release = () => response.writeHead(200).end('ok');
    });
    await stack.createSubscription({ name: 'held', url: `${stack.receiver.url}/held`, events: ['held.*'] });
    const eventId = await stack.publish({ event_type: 'held.one', data: {} });
    await waitFor(() => release !== undefined, { what: 'the first attempt in flight' });
    const { rows } = await stack.db.query<{ id: string; claimed_until: Date | null }>('SELECT id, claimed_until FROM deliveries WHERE event_id = $1', [
      eventId,
    ]);
    expect(rows[0].claimed_until).not.toBeNull();

    // A replayed or recovered job for the same delivery (its own job id, so BullMQ does not dedupe it).
    const replayId = `replay-${rows[0].id}`;
    await deliveries.add(JobName.Deliver, { delivery_id: rows[0].id }, { jobId: replayId });
    // It runs, finds the claim held (it is renewed while the attempt lasts) and waits for it.
    await waitFor(async () => (await deliveries.getJobState(replayId)) === 'delayed', { what: 'the replayed job to wait for the claim' });
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(stack.requestsTo('/held')).toHaveLength(1);

    release!();
    const [delivery] = await stack.waitForDelivery(eventId);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 1 });
    // The replayed job looks again once the claim is gone, finds the delivery ended and completes.
    await waitFor(async () => (await deliveries.getJobState(replayId)) === 'completed', { what: 'the replayed job to complete' });
    expect(stack.requestsTo('/held')).toHaveLength(1);
    const attempts = await stack.db.query('SELECT count(*)::int AS n FROM delivery_attempts WHERE delivery_id = $1', [rows[0].id]);
    expect(attempts.rows[0].n).toBe(1);
  });

  it('delivers the fast deliveries of a batch while a hanging endpoint holds its requests', async () => {
    const fast = await stack.createSubscription({ name: 'fast', url: `${stack.receiver.url}/fast`, events: ['mixed.*'] });
    const slow = await stack.createSubscription({ name: 'hanging', url: `${hanging.url}/hang`, events: ['mixed.*'] });
    const response = await stack.api.request('POST', '/v1/events/batch', {
      key: stack.key,
      body: { events: Array.from({ length: 60 }, (_, n) => ({ event_type: 'mixed.event', data: { n } })) },
    });
    expect(response.status).toBe(202);

    // All 60 fast deliveries are made and recorded while every request to the hanging endpoint is
    // still open (none has timed out, so none is recorded): no slot the fast ones needed was held by it.
    const recorded = async () => {
      const { rows } = await stack.db.query<{ subscription_id: string; n: number }>(
        `SELECT subscription_id, count(*)::int AS n FROM delivery_attempts WHERE subscription_id = ANY($1) GROUP BY subscription_id`,
        [[fast.id, slow.id]],
      );
      return Object.fromEntries(rows.map((row) => [row.subscription_id, row.n]));
    };
    await waitFor(async () => (await recorded())[fast.id] === 60, { timeoutMs: 9_000, what: '60 fast deliveries recorded' });
    expect(await recorded()).toEqual({ [fast.id]: 60 });
    expect(stack.requestsTo('/fast')).toHaveLength(60);
    expect(hanging.requests.length).toBeGreaterThan(0);
  });
});
