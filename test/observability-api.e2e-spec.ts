import { startApi, type TestApi, UNREACHABLE_DATABASE_URL, UNREACHABLE_REDIS_URL, withApi } from './support/api';
import { testConfig } from './support/config';
import { useStack } from './support/stack';
import { metricNames, sample } from './support/prometheus';

describe('API health and metrics', () => {
  const config = testConfig();
  const stack = useStack({ workers: 0, config });

  // First, so that BullMQ's Redis clients' 2 s disconnect timers end while the other tests run.
  describe('while a dependency is unreachable', () => {
    it('starts without Redis, stays live, answers ready 503 naming redis, and still serves /metrics', async () => {
      // BullMQ prints every failed reconnection; expected here, so kept out of the test output.
      const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        await withApi({ ...config, redisUrl: UNREACHABLE_REDIS_URL }, async (noRedis) => {
          expect((await noRedis.request('GET', '/health/live')).status).toBe(200);
          expect(await noRedis.request('GET', '/health/ready')).toMatchObject({
            status: 503,
            body: { status: 'unavailable', checks: { redis: 'down', postgres: 'up' } },
          });
          const metrics = await noRedis.request<string>('GET', '/metrics');
          expect(metrics.status).toBe(200);
          expect(metrics.body).toContain('hookline_deliveries_total');
          expect(sample(metrics.body, 'hookline_queue_jobs', 'queue="hookline-intake",state="waiting"')).toBeUndefined();
        });
      } finally {
        quiet.mockRestore();
      }
    });

    it('starts without PostgreSQL and answers ready 503 naming postgres', async () => {
      await withApi({ ...config, databaseUrl: UNREACHABLE_DATABASE_URL }, async (noDatabase) => {
        expect((await noDatabase.request('GET', '/health/live')).status).toBe(200);
        expect(await noDatabase.request('GET', '/health/ready')).toMatchObject({
          status: 503,
          body: { status: 'unavailable', checks: { redis: 'up', postgres: 'down' } },
        });
      });
    });
  });

  it('answers /health/live and /health/ready without authentication', async () => {
    expect(await stack.api.request('GET', '/health/live')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await stack.api.request('GET', '/health/ready')).toMatchObject({
      status: 200,
      body: { status: 'ok', checks: { redis: 'up', postgres: 'up' } },
    });
  });

  it('serves Prometheus text with the hookline_ metrics, queue counts read from Redis', async () => {
    const response = await stack.api.request<string>('GET', '/metrics');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const metrics = response.body;
    for (const outcome of ['delivered', 'retrying', 'failed', 'blocked', 'cancelled']) {
      expect(sample(metrics, 'hookline_deliveries_total', `outcome="${outcome}"`)).toBe(0);
    }
    expect(metrics).toContain('# TYPE hookline_attempt_duration_seconds histogram');
    expect(sample(metrics, 'hookline_events_accepted_total')).toBe(0);
    expect(metrics).toContain('# TYPE hookline_events_rejected_total counter');
    for (const queue of ['hookline-intake', 'hookline-deliveries']) {
      for (const state of ['waiting', 'delayed', 'active', 'failed']) {
        expect(sample(metrics, 'hookline_queue_jobs', `queue="${queue}",state="${state}"`)).toBe(0);
      }
    }
    expect(sample(metrics, 'hookline_process_resident_memory_bytes')).toBeGreaterThan(0);
    // Every metric carries the prefix.
    expect(metricNames(metrics).filter((name) => !name.startsWith('hookline_'))).toEqual([]);
  });

  it('counts the jobs waiting in a queue', async () => {
    const org = await stack.api.createOrg('Metrics queue');
    const accepted = await stack.api.request('POST', '/v1/events', { key: org.api_key, body: { event_type: 'metrics.probe', data: {} } });
    expect(accepted.status).toBe(202);
    // No worker runs in this file, so the intake job waits.
    const metrics = (await stack.api.request<string>('GET', '/metrics')).body;
    expect(sample(metrics, 'hookline_queue_jobs', 'queue="hookline-intake",state="waiting"')).toBe(1);
  });

  describe('with METRICS_TOKEN', () => {
    const token = 'metrics-token-for-tests';
    let guarded: TestApi;

    beforeAll(async () => {
      guarded = await startApi({ ...config, metricsToken: token });
    });

    afterAll(async () => {
      await guarded.close();
    });

    it('answers 401 without the bearer token or with a wrong one', async () => {
      const refused: Record<string, string>[] = [{}, { authorization: 'Bearer wrong' }, { authorization: token }, { authorization: `Basic ${token}` }];
      for (const headers of refused) {
        const response = await guarded.request('GET', '/metrics', { headers });
        expect(response.status).toBe(401);
        expect(response.body).toEqual({ error: 'unauthorized', message: expect.any(String) });
        expect(JSON.stringify(response.body)).not.toContain(token);
      }
    });

    it('serves the metrics with the bearer token and keeps /health open', async () => {
      const response = await guarded.request<string>('GET', '/metrics', { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      expect(response.body).toContain('hookline_deliveries_total');
      expect((await guarded.request('GET', '/health/live')).status).toBe(200);
      expect((await guarded.request('GET', '/health/ready')).status).toBe(200);
    });
  });
});
