import { MetricsService } from '@app/observability';
import { testConfig } from './support/config';
import { waitFor } from './support/poll';
import { useStack } from './support/stack';

/** The most requests any one-second window [t, t + 1 s) holds. */
function busiestSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let busiest = 0;
  for (let start = 0, end = 0; start < sorted.length; start++) {
    while (end < sorted.length && sorted[end] < sorted[start] + 1000) end++;
    busiest = Math.max(busiest, end - start);
  }
  return busiest;
}

/** rate_limit_per_second: excess deliveries are delayed (not attempts, never dropped), shared by worker replicas. */
describe('failing endpoints: rate_limit_per_second', () => {
  const config = testConfig();
  // Two replicas share the limit through Redis.
  const stack = useStack({ workers: 2, config });

  const requestsTo = (path: string) => stack.receiver.requests.filter((request) => request.path === path);

  it('spreads 20 events at 5/s over about 4 s, no second holding more than 5, each delivered in one attempt', async () => {
    const { api_key: key } = await stack.api.createOrg('rate limit');
    const limited = await stack.api.request('POST', '/v1/webhooks', {
      key,
      body: { name: 'limited', url: `${stack.receiver.url}/limited`, events: ['*'], rate_limit_per_second: 5 },
    });
    expect(limited.status).toBe(201);
    expect(limited.body.rate_limit_per_second).toBe(5);
    const unlimited = await stack.api.request('POST', '/v1/webhooks', {
      key,
      body: { name: 'unlimited', url: `${stack.receiver.url}/unlimited`, events: ['*'] },
    });
    expect(unlimited.status).toBe(201);

    const published = await Promise.all(
      Array.from(
        { length: 20 },
        async (_, n) => (await stack.api.request('POST', '/v1/events', { key, body: { event_type: 'burst', data: { n } } })).body.event_id as string,
      ),
    );

    // While it waits, a delayed delivery is pending with its slot as next_attempt_at and no attempt.
    let sawWaiting = false;
    await waitFor(
      async () => {
        const { rows } = await stack.db.query(`SELECT status, attempts, next_attempt_at FROM deliveries WHERE subscription_id = $1`, [limited.body.id]);
        sawWaiting ||= rows.some((row) => row.status === 'pending' && row.attempts === 0 && row.next_attempt_at > new Date());
        return requestsTo('/limited').length >= 20;
      },
      { timeoutMs: 20_000, intervalMs: 100, what: '20 rate-limited deliveries' },
    );
    expect(sawWaiting).toBe(true);

    const times = requestsTo('/limited').map((request) => request.receivedAt);
    expect(busiestSecond(times)).toBeLessThanOrEqual(5 + 1);
    // 20 deliveries at 5/s: the last goes out 19 slots (3.8 s) after the first.
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(3000);
    // Every event once, in one attempt: the delays were not attempts.
    expect(new Set(requestsTo('/limited').map((request) => JSON.parse(request.body).event_id))).toEqual(new Set(published));
    expect(requestsTo('/limited').every((request) => request.headers['x-webhook-attempt'] === '1')).toBe(true);
    const stored = await waitFor(
      async () => {
        const { rows } = await stack.db.query(
          `SELECT d.status, d.attempts, (SELECT count(*)::int FROM delivery_attempts a WHERE a.delivery_id = d.id) AS recorded
         FROM deliveries d WHERE d.subscription_id = $1`,
          [limited.body.id],
        );
        return rows.length === 20 && rows.every((row) => row.status === 'delivered') ? rows : undefined;
      },
      { what: 'all 20 delivered' },
    );
    expect(stored.every((row) => row.attempts === 1 && row.recorded === 1)).toBe(true);
    // The waits are counted as postponements, not attempts.
    const postponed = await Promise.all(
      stack.workers.map((worker) => worker.get(MetricsService).registry.getSingleMetric('hookline_deliveries_postponed_total')!.get()),
    );
    const rateLimited = postponed.flatMap((metric) => metric.values).filter((value) => value.labels.cause === 'rate_limit');
    expect(rateLimited.reduce((sum, value) => sum + value.value, 0)).toBeGreaterThanOrEqual(15);

    // The limit is the subscription's own: the unlimited one got the same burst at once.
    const unlimitedTimes = requestsTo('/unlimited').map((request) => request.receivedAt);
    expect(unlimitedTimes).toHaveLength(20);
    expect(busiestSecond(unlimitedTimes)).toBeGreaterThan(10);
  });

  it('goes back to full speed when the limit is removed (PATCH null)', async () => {
    const { api_key: key } = await stack.api.createOrg('rate limit removed');
    const created = await stack.api.request('POST', '/v1/webhooks', {
      key,
      body: { name: 'limited', url: `${stack.receiver.url}/lifted`, events: ['*'], rate_limit_per_second: 1 },
    });
    const patched = await stack.api.request('PATCH', `/v1/webhooks/${created.body.id}`, { key, body: { rate_limit_per_second: null } });
    expect(patched.body.rate_limit_per_second).toBeNull();
    await Promise.all(Array.from({ length: 10 }, (_, n) => stack.api.request('POST', '/v1/events', { key, body: { event_type: 'burst', data: { n } } })));
    await waitFor(() => requestsTo('/lifted').length >= 10, { what: '10 deliveries' });
    expect(busiestSecond(requestsTo('/lifted').map((request) => request.receivedAt))).toBeGreaterThan(5);
  });
});
