import type { INestApplicationContext } from '@nestjs/common';
import { Cluster } from 'ioredis';
import { hashApiKey } from '@app/domain/api-key';
import { CircuitBreaker } from '../apps/worker/src/endpoint-health/circuit-breaker';
import { MaintenanceLock } from '../apps/worker/src/maintenance/maintenance-lock';
import { parseRedisClusterNodes } from '@app/domain/redis-cluster';
import { HooklinePublisher } from '@app/queue';
import { startApi, type TestApi } from './support/api';
import { ADMIN_TOKEN, testConfig } from './support/config';
import { waitFor } from './support/poll';
import { startReceiver, type Receiver } from './support/receiver';
import { startThrowawayRedisCluster, type ThrowawayRedisCluster } from './support/redis-cluster';
import { startWorker } from './support/worker';

const RATE_LIMIT = 3;

/**
 * Hookline on a 3-master Redis Cluster: REDIS_CLUSTER_NODES set, REDIS_URL pointing nowhere (so a
 * client that ignored the cluster would fail), QUEUE_PREFIX with a hash tag. Intake, delivery,
 * retries, the breaker, the API rate limit, the maintenance lock, readiness, Bull Board and the
 * publisher all go through the cluster.
 */
describe('scale out: Redis Cluster', () => {
  let cluster: ThrowawayRedisCluster;
  let config: ReturnType<typeof testConfig>;
  let api: TestApi;
  let limitedApi: TestApi;
  let worker: INestApplicationContext;
  let receiver: Receiver;
  let redis: Cluster;
  let key: string;
  let orgId: string;

  beforeAll(async () => {
    cluster = await startThrowawayRedisCluster(3);
    const base = testConfig();
    config = testConfig({
      redisClusterNodes: parseRedisClusterNodes(cluster.nodes),
      redisUrl: 'redis://127.0.0.1:1',
      queuePrefix: `{${base.queuePrefix}}`,
      breakerFailures: 3,
      breakerCooldownMs: 60_000,
      retryBaseMs: 100,
      retryFactor: 1,
      retryMaxAttempts: 10,
    });
    api = await startApi(config);
    // A replica with a low limit: the count per key lives in the cluster, shared by both.
    limitedApi = await startApi({ ...config, apiRateLimitPerMinute: RATE_LIMIT });
    worker = await startWorker(config);
    receiver = await startReceiver();
    redis = new Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })));
    ({ api_key: key, id: orgId } = await api.createOrg('redis cluster'));
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await limitedApi?.close();
    await receiver?.close();
    redis?.disconnect();
    await cluster?.dispose();
  });

  const subscribe = async (url: string, eventType: string) => {
    const response = await api.request('POST', '/v1/webhooks', { key, body: { name: eventType, url, events: [eventType] } });
    expect(response.status).toBe(201);
    return response.body.id as string;
  };
  const publish = async (eventType: string) => {
    const response = await api.request('POST', '/v1/events', { key, body: { event_type: eventType, data: { n: 1 } } });
    expect(response.status).toBe(202);
    return response.body.event_id as string;
  };
  const deliveryOf = (eventId: string, until: (delivery: any) => boolean, what: string) =>
    waitFor(
      async () => {
        const delivery = (await api.request('GET', `/v1/events/${eventId}`, { key })).body.deliveries?.[0];
        return delivery && until(delivery) ? delivery : undefined;
      },
      { what },
    );

  it('puts the queues on the cluster and reports it ready', async () => {
    expect((await api.request('GET', '/health/ready')).body).toEqual({ status: 'ok', checks: { redis: 'up', postgres: 'up' } });
    const board = await api.request('GET', '/admin/queues/api/queues', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(board.status).toBe(200);
    expect(board.body.queues.map((queue: { name: string }) => queue.name).sort()).toEqual(['hookline-deliveries', 'hookline-intake']);
    // BullMQ registered its workers on the cluster, under the hash-tagged prefix.
    expect(await redis.exists(`${config.queuePrefix}:hookline-deliveries:meta`)).toBe(1);
  });

  it('delivers events published over HTTP (single and batch) and through the publisher', async () => {
    await subscribe(`${receiver.url}/ok`, 'cluster.ok');
    await publish('cluster.ok');
    const batch = await api.request('POST', '/v1/events/batch', { key, body: { events: [1, 2, 3].map((n) => ({ event_type: 'cluster.ok', data: { n } })) } });
    expect(batch.body.accepted).toBe(3);
    const publisher = new HooklinePublisher({ clusterNodes: cluster.nodes, prefix: config.queuePrefix });
    try {
      await publisher.publish({ organization_id: orgId, event_type: 'cluster.ok', data: { n: 5 } });
    } finally {
      await publisher.close();
    }
    await waitFor(() => receiver.requests.filter((request) => request.path === '/ok').length === 5, { what: '5 deliveries' });
  });

  it('retries a failing delivery with backoff until it succeeds', async () => {
    let failures = 0;
    const flaky = await startReceiver((_, response) => void response.writeHead(failures++ < 2 ? 500 : 200).end());
    try {
      await subscribe(`${flaky.url}/flaky`, 'cluster.flaky');
      const eventId = await publish('cluster.flaky');
      const delivery = await deliveryOf(eventId, (d) => d.status === 'delivered', 'delivered after retries');
      expect(delivery.attempts).toBe(3);
    } finally {
      await flaky.close();
    }
  });

  it('opens the circuit breaker of a failing origin (its state in the cluster) and postpones its deliveries', async () => {
    const dead = await startReceiver((_, response) => void response.writeHead(503).end());
    try {
      await subscribe(`${dead.url}/dead`, 'cluster.dead');
      const first = await publish('cluster.dead');
      await deliveryOf(first, (d) => d.attempts >= 3, '3 failed attempts');
      const breaker = worker.get(CircuitBreaker);
      const state = await waitFor(
        async () => {
          const current = await breaker.state(dead.url);
          return current && current.openUntil > 0 ? current : undefined;
        },
        { what: 'an open breaker' },
      );
      expect(state.failures).toBe(3);
      // While open, a new delivery to that origin waits without an attempt.
      const second = await publish('cluster.dead');
      const { log_id: logId } = await deliveryOf(second, () => true, 'the second delivery');
      const postponed = await waitFor(
        async () => {
          const log = (await api.request('GET', `/v1/webhooks/logs/${logId}`, { key })).body;
          return log.next_attempt_at && new Date(log.next_attempt_at).getTime() > Date.now() + 30_000 ? log : undefined;
        },
        { what: 'the delivery postponed to the end of the cool-down' },
      );
      expect(postponed.attempts).toBe(0);
      expect(dead.requests).toHaveLength(3);
    } finally {
      await dead.close();
    }
  });

  it('limits API requests per key across replicas, counted in the cluster', async () => {
    const { api_key: limitedKey } = await api.createOrg('cluster rate limit');
    for (let i = 0; i < RATE_LIMIT; i++) expect((await limitedApi.request('GET', '/v1/webhooks', { key: limitedKey })).status).toBe(200);
    const limited = await limitedApi.request('GET', '/v1/webhooks', { key: limitedKey });
    expect(limited.status).toBe(429);
    expect(Number(await redis.get(`${config.queuePrefix}:rate-limit:${hashApiKey(limitedKey)}`))).toBe(RATE_LIMIT + 1);
  });

  it('elects one maintenance run through a lock in the cluster', async () => {
    const lock = worker.get(MaintenanceLock);
    expect(await lock.acquire('cluster-test', 60_000)).toBe(true);
    expect(await lock.acquire('cluster-test', 60_000)).toBe(false);
    expect(await redis.exists(`${config.queuePrefix}:maintenance:cluster-test`)).toBe(1);
  });
});
