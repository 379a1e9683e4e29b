import Redis from 'ioredis';
import { hashApiKey } from '@app/domain/api-key';
import { startApi, type TestApi, UNREACHABLE_REDIS_URL, withApi } from './support/api';
import { ADMIN_TOKEN, testConfig } from './support/config';

const LIMIT = 5;

/** API_RATE_LIMIT_PER_MINUTE per API key, shared by api replicas through Redis, failing open without Redis. */
describe('security: API rate limit per key', () => {
  const config = testConfig({ apiRateLimitPerMinute: LIMIT });
  // Two replicas of the API on the same Redis and prefix, as behind a load balancer.
  let replicaA: TestApi;
  let replicaB: TestApi;
  let redis: Redis;

  beforeAll(async () => {
    replicaA = await startApi(config);
    replicaB = await startApi(config);
    redis = new Redis(config.redisUrl);
  });

  afterAll(async () => {
    await replicaA?.close();
    await replicaB?.close();
    redis?.disconnect();
  });

  const listWebhooks = (api: TestApi, key: string) => api.request('GET', '/v1/webhooks', { key });

  // First, so that BullMQ's Redis clients' 2 s disconnect timers end while the other tests run.
  it('lets requests through when Redis is unreachable (fails open)', async () => {
    // ioredis and BullMQ report each failed reconnection; expected here.
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await withApi({ ...config, redisUrl: UNREACHABLE_REDIS_URL }, async (noRedis) => {
        const { api_key: key } = await noRedis.createOrg('rate limit without redis');
        for (let i = 0; i < LIMIT * 2; i++) expect((await listWebhooks(noRedis, key)).status).toBe(200);
        expect((await noRedis.request('POST', '/v1/events', { key, body: { event_type: 'order.paid', data: {} } })).status).toBe(202);
      });
    } finally {
      quiet.mockRestore();
    }
  });

  it('answers the request over the limit 429 with Retry-After, across replicas', async () => {
    const { api_key: key } = await replicaA.createOrg('rate limited');
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT; i++) statuses.push((await listWebhooks(i % 2 === 0 ? replicaA : replicaB, key)).status);
    expect(statuses).toEqual(Array(LIMIT).fill(200));

    for (const api of [replicaA, replicaB]) {
      const limited = await listWebhooks(api, key);
      expect(limited.status).toBe(429);
      expect(limited.body).toEqual({ error: 'rate_limited', message: expect.stringContaining(`${LIMIT} per minute`) });
      const retryAfter = Number(limited.headers['retry-after']);
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
    }
    // Every route of the key is limited, intake included.
    const intake = await replicaB.request('POST', '/v1/events', { key, body: { event_type: 'order.paid', data: {} } });
    expect(intake.status).toBe(429);
    expect(intake.headers['retry-after']).toBeDefined();
  });

  it('limits each key on its own: another organization and another key of the same one are unaffected', async () => {
    const org = await replicaA.createOrg('rate limited, two keys');
    const outsider = await replicaA.createOrg('rate limit bystander');
    for (let i = 0; i < LIMIT; i++) expect((await listWebhooks(replicaA, org.api_key)).status).toBe(200);
    expect((await listWebhooks(replicaA, org.api_key)).status).toBe(429);

    expect((await listWebhooks(replicaB, outsider.api_key)).status).toBe(200);
    const secondKey = await replicaA.request('POST', `/v1/orgs/${org.id}/api-keys`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(secondKey.status).toBe(201);
    expect((await listWebhooks(replicaA, secondKey.body.api_key)).status).toBe(200);
  });

  it('counts in Redis under the queue prefix by a hash of the key, for one minute', async () => {
    const { api_key: key } = await replicaA.createOrg('rate limit storage');
    expect((await listWebhooks(replicaA, key)).status).toBe(200);
    const counterKey = `${config.queuePrefix}:rate-limit:${hashApiKey(key)}`;
    expect(await redis.get(counterKey)).toBe('1');
    const ttl = await redis.pttl(counterKey);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    const keys = await redis.keys(`${config.queuePrefix}:rate-limit:*`);
    expect(keys.join(' ')).not.toContain(key);
  });

  it('leaves admin, health and unauthenticated requests alone, and does not count rejected keys', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 2; i++) {
      statuses.push((await replicaA.request('POST', '/v1/orgs', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, body: { name: `admin ${i}` } })).status);
      statuses.push((await replicaA.request('GET', '/health/live')).status);
    }
    expect(new Set(statuses)).toEqual(new Set([201, 200]));

    for (let i = 0; i < LIMIT + 2; i++) expect((await listWebhooks(replicaA, 'hk_not_a_key')).status).toBe(401);
    expect(await redis.exists(`${config.queuePrefix}:rate-limit:${hashApiKey('hk_not_a_key')}`)).toBe(0);
  });

  it('has no limit with API_RATE_LIMIT_PER_MINUTE=0', async () => {
    await withApi({ ...config, apiRateLimitPerMinute: 0 }, async (unlimited) => {
      const { api_key: key } = await unlimited.createOrg('unlimited');
      const statuses: number[] = [];
      for (let i = 0; i < LIMIT * 2; i++) statuses.push((await listWebhooks(unlimited, key)).status);
      expect(statuses).toEqual(Array(LIMIT * 2).fill(200));
    });
  });
});
