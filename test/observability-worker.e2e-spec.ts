import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { HooklinePublisher } from '@app/queue';
import { WorkerHttpServer } from '../apps/worker/src/observability/worker-http.server';
import { startApi, type TestApi } from './support/api';
import { testConfig } from './support/config';
import { waitFor } from './support/poll';
import { metricNames, sample } from './support/prometheus';
import { startReceiver, type Receiver } from './support/receiver';
import { startWorker } from './support/worker';

interface Answer {
  status: number;
  contentType: string | null;
  text: string;
  json?: any;
}

/** GET (or another method) on the worker's own HTTP listener. */
async function call(worker: INestApplicationContext, path: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(`http://127.0.0.1:${worker.get(WorkerHttpServer).port}${path}`, init);
  const text = await response.text();
  const contentType = response.headers.get('content-type');
  return { status: response.status, contentType, text, json: contentType?.startsWith('application/json') ? JSON.parse(text) : undefined };
}

/** A TCP port nothing listens on (yet). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A throw-away redis-server (no persistence) on `port`; resolves once it answers. */
async function startRedisServer(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await waitFor(
    () =>
      new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        socket.once('connect', () => {
          socket.end();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      }),
    { what: `redis-server on port ${port}` },
  );
  return child;
}

describe('worker health and metrics (WORKER_HTTP_PORT)', () => {
  const config = testConfig();
  let api: TestApi;
  let worker: INestApplicationContext;
  let receiver: Receiver;

  beforeAll(async () => {
    api = await startApi(config);
    worker = await startWorker(config);
    receiver = await startReceiver();
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await receiver?.close();
  });

  // First, so that BullMQ's Redis clients' 2 s disconnect timers end while the other tests run.
  describe('while a dependency is unreachable', () => {
    it('starts without Redis, stays live, answers ready 503 naming redis, and 200 once Redis is up', async () => {
      // BullMQ prints every failed reconnection; expected here, so kept out of the test output.
      const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      const port = await freePort();
      const noRedis = await startWorker(testConfig({ redisUrl: `redis://127.0.0.1:${port}` }));
      let redis: ChildProcess | undefined;
      try {
        expect((await call(noRedis, '/health/live')).status).toBe(200);
        const ready = await call(noRedis, '/health/ready');
        expect(ready).toMatchObject({ status: 503, json: { status: 'unavailable', checks: { redis: 'down', postgres: 'up' } } });
        expect((await call(noRedis, '/metrics')).status).toBe(200);

        // Redis arrives: readiness follows without a restart (and BullMQ reconnects, so the worker can close).
        redis = await startRedisServer(port);
        await waitFor(async () => (await call(noRedis, '/health/ready')).status === 200, { what: 'ready 200 once Redis is up' });
      } finally {
        await noRedis.close();
        redis?.kill();
        quiet.mockRestore();
      }
    });

    it('starts without PostgreSQL and answers ready 503 naming postgres', async () => {
      const noDatabase = await startWorker(testConfig({ databaseUrl: 'postgresql://postgres@127.0.0.1:1/hookline_test' }));
      try {
        expect((await call(noDatabase, '/health/live')).status).toBe(200);
        const ready = await call(noDatabase, '/health/ready');
        expect(ready).toMatchObject({ status: 503, json: { status: 'unavailable', checks: { redis: 'up', postgres: 'down' } } });
      } finally {
        await noDatabase.close();
      }
    });
  });

  it('answers /health/live and /health/ready on its own port', async () => {
    expect(await call(worker, '/health/live')).toMatchObject({ status: 200, json: { status: 'ok' } });
    expect(await call(worker, '/health/ready')).toMatchObject({
      status: 200,
      json: { status: 'ok', checks: { redis: 'up', postgres: 'up' } },
    });
  });

  it('answers 404 for other paths and 405 for other methods, as JSON errors', async () => {
    expect(await call(worker, '/v1/events')).toMatchObject({ status: 404, json: { error: 'not_found', message: expect.any(String) } });
    expect(await call(worker, '/metrics', { method: 'POST' })).toMatchObject({ status: 405, json: { error: 'method_not_allowed' } });
  });

  it('serves the hookline_ metrics, all prefixed', async () => {
    const metrics = await call(worker, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(metrics.text, 'hookline_deliveries_total', 'outcome="delivered"')).toBe(0);
    expect(metrics.text).toContain('# TYPE hookline_attempt_duration_seconds histogram');
    expect(sample(metrics.text, 'hookline_queue_jobs', 'queue="hookline-deliveries",state="waiting"')).toBe(0);
    expect(metricNames(metrics.text).filter((name) => !name.startsWith('hookline_'))).toEqual([]);
  });

  it('counts attempts by outcome, with their durations, and accepted events', async () => {
    const { api_key: key } = await api.createOrg('worker metrics');
    // The first attempt fails (500, retried), the second succeeds.
    receiver.respondWith((_, response, index) => void response.writeHead(index === 0 ? 500 : 200).end());
    const subscription = await api.request('POST', '/v1/webhooks', {
      key,
      body: { name: 'metrics', url: `${receiver.url}/metrics-hook`, events: ['metrics.counted'] },
    });
    expect(subscription.status).toBe(201);
    const event = await api.request('POST', '/v1/events', { key, body: { event_type: 'metrics.counted', data: { n: 1 } } });
    expect(event.status).toBe(202);

    const metrics = await waitFor(
      async () => {
        const { text } = await call(worker, '/metrics');
        return sample(text, 'hookline_deliveries_total', 'outcome="delivered"') === 1 && text;
      },
      { what: 'a delivered delivery in the worker metrics' },
    );
    expect(receiver.requests).toHaveLength(2);
    expect(sample(metrics, 'hookline_deliveries_total', 'outcome="retrying"')).toBe(1);
    expect(sample(metrics, 'hookline_deliveries_total', 'outcome="failed"')).toBe(0);
    expect(sample(metrics, 'hookline_attempt_duration_seconds_count', 'outcome="delivered"')).toBe(1);
    expect(sample(metrics, 'hookline_attempt_duration_seconds_count', 'outcome="retrying"')).toBe(1);
    expect(sample(metrics, 'hookline_attempt_duration_seconds_bucket', 'le="+Inf",outcome="delivered"')).toBe(1);

    const apiMetrics = (await api.request<string>('GET', '/metrics')).body;
    expect(sample(apiMetrics, 'hookline_events_accepted_total')).toBe(1);
  });

  it('counts events the API refuses, by reason', async () => {
    const { api_key: key } = await api.createOrg('rejected metrics');
    const refused = await api.request('POST', '/v1/events', { key, body: { event_type: '', data: 'not an object' } });
    expect(refused.status).toBe(400);
    const apiMetrics = (await api.request<string>('GET', '/metrics')).body;
    expect(sample(apiMetrics, 'hookline_events_rejected_total', 'reason="validation_failed"')).toBe(1);
  });

  it('counts events published over Redis that the worker accepts or rejects', async () => {
    const { id: organizationId } = await api.createOrg('published metrics');
    const publisher = new HooklinePublisher({ connection: config.redisUrl, prefix: config.queuePrefix });
    try {
      await publisher.publish({ organization_id: organizationId, event_type: 'metrics.published', data: {} });
      await publisher.publish({ organization_id: organizationId, event_type: 'bad type with spaces', data: {} });
    } finally {
      await publisher.close();
    }
    await waitFor(
      async () => {
        const { text } = await call(worker, '/metrics');
        return sample(text, 'hookline_events_accepted_total') === 1 && sample(text, 'hookline_events_rejected_total', 'reason="validation_failed"') === 1;
      },
      { what: 'one accepted and one rejected published event in the worker metrics' },
    );
  });

  it('requires the bearer token on /metrics when METRICS_TOKEN is set, never on /health', async () => {
    const token = 'worker-metrics-token';
    const guarded = await startWorker(testConfig({ metricsToken: token }));
    try {
      for (const authorization of [undefined, 'Bearer wrong', token]) {
        const answer = await call(guarded, '/metrics', { headers: authorization ? { authorization } : {} });
        expect(answer).toMatchObject({ status: 401, json: { error: 'unauthorized', message: expect.any(String) } });
      }
      const allowed = await call(guarded, '/metrics', { headers: { authorization: `Bearer ${token}` } });
      expect(allowed.status).toBe(200);
      expect(allowed.text).toContain('hookline_deliveries_total');
      expect((await call(guarded, '/health/ready')).status).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});
