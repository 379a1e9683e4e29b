import type { Pool } from 'pg';
import type { TestApi } from './support/api';
import { testConfig } from './support/config';
import { waitFor } from './support/poll';
import { startReceiver, type Receiver } from './support/receiver';
import { useStack } from './support/stack';

const EVENTS = 200;
const PUBLISH_IN_PARALLEL = 20;

/**
 * Healthy endpoints keep their speed while one is down: with 10 worker slots and a receiver that
 * hangs until the request timeout, only the attempts before the breaker opens (and one probe per
 * cool-down) occupy slots; the rest of the dead endpoint's backlog waits in the delayed set.
 */
describe('failing endpoints: a dead endpoint does not slow a live one', () => {
  // The default BREAKER_FAILURES (10). Without the breaker the 200 hanging deliveries would hold the
  // 10 slots for 200 x 500 ms / 10 = 10 s (more with retries).
  const config = testConfig({ workerConcurrency: 10, requestTimeoutMs: 500, breakerCooldownMs: 500 });
  const stack = useStack({ config, orgName: 'dead and live' });
  let api: TestApi;
  let live: Receiver;
  let dead: Receiver;
  let db: Pool;
  let key: string;

  beforeAll(async () => {
    ({ api, receiver: live, db, key } = stack);
    dead = await startReceiver(() => undefined); // never answers
  });

  afterAll(async () => {
    await dead?.close();
  });

  const publishAll = async (eventTypes: string[]) => {
    for (let start = 0; start < eventTypes.length; start += PUBLISH_IN_PARALLEL) {
      await Promise.all(
        eventTypes.slice(start, start + PUBLISH_IN_PARALLEL).map(async (eventType, index) => {
          const response = await api.request('POST', '/v1/events', { key, body: { event_type: eventType, data: { n: start + index } } });
          expect(response.status).toBe(202);
        }),
      );
    }
  };
  /** Publishes, then waits for `count` more requests at the live receiver; returns how long it took. */
  const liveRun = async (eventTypes: string[], count: number) => {
    const before = live.requests.length;
    const startedAt = Date.now();
    await publishAll(eventTypes);
    await waitFor(() => live.requests.length >= before + count, { timeoutMs: 30_000, what: `${count} live deliveries` });
    return Math.max(...live.requests.slice(before).map((request) => request.receivedAt)) - startedAt;
  };

  it('delivers to the live endpoint about as fast as alone while 200 deliveries to a hanging one are pending', async () => {
    await api.request('POST', '/v1/webhooks', { key, body: { name: 'live', url: `${live.url}/live`, events: ['live.*'] } });
    const deadSubscription = await api.request('POST', '/v1/webhooks', { key, body: { name: 'dead', url: `${dead.url}/dead`, events: ['dead.*'] } });

    const alone = await liveRun(
      Array.from({ length: EVENTS }, () => 'live.alone'),
      EVENTS,
    );

    // The dead endpoint's events go first in each batch, so they are ahead in the queue.
    const mixed = Array.from({ length: EVENTS }, () => ['dead.event', 'live.mixed']).flat();
    const beside = await liveRun(mixed, EVENTS);
    const hangingRequests = dead.requests.length;

    // One request timeout's worth of blocked slots before the breaker opened, not ten seconds.
    expect(beside).toBeLessThan(alone * 1.5 + 3 * config.requestTimeoutMs);
    // Attempts to the dead endpoint: the first ones (up to a full set of slots past the threshold)
    // and at most one probe per cool-down since; the other deliveries never took a slot.
    const coolDownsSince = Math.ceil(beside / config.breakerCooldownMs);
    expect(hangingRequests).toBeLessThanOrEqual(config.breakerFailures + config.workerConcurrency + coolDownsSince);

    // The endpoint comes back: a probe closes the breaker and the backlog is delivered.
    dead.respondWith((_, response) => void response.writeHead(200).end('back'));
    const deliveries = await waitFor(
      async () => {
        const { rows } = await db.query(
          `SELECT d.status, d.attempts, (SELECT count(*)::int FROM delivery_attempts a WHERE a.delivery_id = d.id) AS recorded
           FROM deliveries d WHERE d.subscription_id = $1`,
          [deadSubscription.body.id],
        );
        return rows.length === EVENTS && rows.every((row) => row.status === 'delivered') ? rows : undefined;
      },
      { timeoutMs: 30_000, what: "the dead endpoint's backlog to be delivered" },
    );
    // Waiting behind the breaker was never an attempt: one request, one attempt row.
    const attempts = deliveries.reduce((sum, row) => sum + row.attempts, 0);
    expect(attempts).toBe(dead.requests.length);
    expect(deliveries.every((row) => row.attempts === row.recorded)).toBe(true);
    expect(deliveries.filter((row) => row.attempts === 1).length).toBeGreaterThanOrEqual(EVENTS - hangingRequests);
  });
});
