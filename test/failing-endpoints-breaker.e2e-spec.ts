import { createServer, type AddressInfo } from 'node:net';
import { CircuitBreaker } from '../apps/worker/src/endpoint-health/circuit-breaker';
import { testConfig } from './support/config';
import { waitFor } from './support/poll';
import { startReceiver } from './support/receiver';
import { useStack } from './support/stack';

const COOLDOWN_MS = 200;

/**
 * The circuit breaker per target origin: BREAKER_FAILURES consecutive failures open it, deliveries
 * then wait (no attempt) for a cool-down that doubles after each failed probe, and one probe decides.
 */
describe('failing endpoints: circuit breaker', () => {
  // Retries every ~100 ms (factor 1), so the gaps between requests are the breaker's, not the backoff's.
  const config = testConfig({
    breakerFailures: 3,
    breakerCooldownMs: COOLDOWN_MS,
    retryBaseMs: 100,
    retryFactor: 1,
    retryMaxAttempts: 20,
    requestTimeoutMs: 500,
  });
  // Two replicas: the breaker's state and its probe election live in Redis.
  const stack = useStack({ workers: 2, config, orgName: 'breaker' });

  const createSubscription = async (url: string, eventType: string) => (await stack.createSubscription({ name: eventType, url, events: [eventType] })).id;
  const publish = (eventType: string) => stack.publish({ event_type: eventType, data: {} });
  const attemptTimes = async (subscriptionId: string) =>
    (await stack.db.query('SELECT started_at FROM delivery_attempts WHERE subscription_id = $1 ORDER BY started_at', [subscriptionId])).rows.map((row) =>
      (row.started_at as Date).getTime(),
    );
  const gaps = (times: number[]) => times.slice(1).map((time, index) => time - times[index]);

  it('opens after BREAKER_FAILURES failures, probes once per cool-down with the cool-down doubling, and closes on a successful probe', async () => {
    let healthy = false;
    const origin = await startReceiver((_, response) => void response.writeHead(healthy ? 200 : 503).end());
    try {
      const subscriptionId = await createSubscription(`${origin.url}/flaky`, 'flaky');
      const eventId = await publish('flaky');
      // 3 failures (~100 ms apart) open it; then probes after 200, 400 and 800 ms, each failing.
      await waitFor(() => origin.requests.length >= 6, { what: '3 failures and 3 probes' });
      healthy = true;
      const delivered = await waitFor(
        async () => {
          const { rows } = await stack.db.query('SELECT status, attempts FROM deliveries WHERE event_id = $1', [eventId]);
          return rows[0]?.status === 'delivered' ? rows[0] : undefined;
        },
        { what: 'the probe that closes the breaker' },
      );

      const received = origin.requests.map((request) => request.receivedAt);
      const probeGaps = gaps(received).slice(2);
      // Each probe waited out a cool-down twice as long as the one before (the last one: 1600 ms).
      probeGaps.forEach((gap, index) => expect(gap).toBeGreaterThanOrEqual(COOLDOWN_MS * 2 ** index * 0.9));
      expect(probeGaps.length).toBeGreaterThanOrEqual(4);
      // Waiting is no attempt: one attempt per request, numbered without gaps.
      expect(delivered.attempts).toBe(origin.requests.length);
      expect(origin.requests.map((request) => request.headers['x-webhook-attempt'])).toEqual(origin.requests.map((_, index) => String(index + 1)));
      expect(await attemptTimes(subscriptionId)).toHaveLength(origin.requests.length);

      // Closed again: the next event goes out at once.
      const before = origin.requests.length;
      await publish('flaky');
      await waitFor(() => origin.requests.length > before, { what: 'a delivery through the closed breaker' });
    } finally {
      await origin.close();
    }
  });

  it('lets one probe at a time through to a refused origin while its many deliveries wait without attempts', async () => {
    const port = await unusedPort();
    const subscriptionId = await createSubscription(`http://127.0.0.1:${port}/refused`, 'refused');
    await Promise.all(Array.from({ length: 10 }, () => publish('refused')));
    // The first burst: deliveries tried at about the same time, until the breaker opened (3 failures
    // and those already under way). Then three cool-downs (200, 400, 800 ms), each ended by one probe.
    const burstEnd = (times: number[]) => times.findIndex((time, index) => index > 0 && time - times[index - 1] > COOLDOWN_MS * 0.9);
    const times = await waitFor(
      async () => {
        const all = await attemptTimes(subscriptionId);
        const end = burstEnd(all);
        return end > 0 && all.length - end >= 3 ? all : undefined;
      },
      { what: 'three probes after the first failures' },
    );
    expect(burstEnd(times)).toBeGreaterThanOrEqual(3);
    expect(burstEnd(times)).toBeLessThanOrEqual(10);
    // After it, attempts come one per cool-down: the probes, never two together.
    const probeGaps = gaps(times.slice(burstEnd(times) - 1));
    probeGaps.forEach((gap, index) => expect(gap).toBeGreaterThanOrEqual(COOLDOWN_MS * 2 ** index * 0.9));

    // The deliveries wait (pending or retrying), their attempts counting only the requests made.
    const { rows } = await stack.db.query('SELECT status, attempts FROM deliveries WHERE subscription_id = $1', [subscriptionId]);
    expect(rows).toHaveLength(10);
    expect(rows.every((row) => row.status === 'retrying' || row.status === 'pending')).toBe(true);
    expect(rows.reduce((sum, row) => sum + row.attempts, 0)).toBe((await attemptTimes(subscriptionId)).length);
    expect((await stack.api.request('DELETE', `/v1/webhooks/${subscriptionId}`, { key: stack.key })).status).toBe(204);
  });

  it('keeps origins apart: a healthy origin is not held back by an open breaker next door', async () => {
    const port = await unusedPort();
    await createSubscription(`http://127.0.0.1:${port}/down`, 'down');
    await createSubscription(`${stack.receiver.url}/up`, 'up');
    await Promise.all(Array.from({ length: 5 }, () => publish('down')));
    const breaker = stack.workers[0].get(CircuitBreaker);
    await waitFor(async () => ((await breaker.state(`http://127.0.0.1:${port}`))?.openUntil ?? 0) > 0, { what: 'the breaker of the refused origin to open' });
    await Promise.all(Array.from({ length: 5 }, () => publish('up')));
    await waitFor(() => stack.receiver.requests.filter((request) => request.path === '/up').length === 5, { what: 'the healthy origin' });
    expect(await breaker.state(stack.receiver.url.replace(/\/$/, ''))).toBeNull();
  });

  it('elects exactly one probe among replicas and caps the cool-down at 10 minutes (Redis state)', async () => {
    const origin = 'http://probe-election.test:8080';
    const [one, two] = stack.workers.map((worker) => worker.get(CircuitBreaker));
    for (let failure = 0; failure < 3; failure++) await one.recordFailure(origin, false);
    const opened = await one.state(origin);
    expect(opened).toMatchObject({ failures: 3, cooldownMs: COOLDOWN_MS });
    expect(await two.check(origin)).toMatchObject({ kind: 'open' });

    await waitFor(() => Date.now() > (opened?.openUntil ?? 0) + 20, { what: 'the end of the cool-down' });
    const decisions = await Promise.all(Array.from({ length: 10 }, (_, index) => (index % 2 ? one : two).check(origin)));
    expect(decisions.filter((decision) => decision.kind === 'probe')).toHaveLength(1);
    expect(decisions.filter((decision) => decision.kind === 'open')).toHaveLength(9);

    // Failed probes double the cool-down, up to 10 minutes.
    const cooldowns: number[] = [];
    for (let probe = 0; probe < 14; probe++) cooldowns.push((await one.recordFailure(origin, true)).cooldownMs);
    expect(cooldowns.slice(0, 4)).toEqual([400, 800, 1600, 3200]);
    expect(cooldowns.at(-1)).toBe(600_000);
    expect(Math.max(...cooldowns)).toBe(600_000);

    await two.recordSuccess(origin);
    expect(await one.state(origin)).toBeNull();
    // `one` remembers the open state for its cool-down; a fresh replica sees it closed at once.
    expect(await two.check(origin)).toEqual({ kind: 'closed' });
  });
});

/** A port nothing listens on: bound once, then released. */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
