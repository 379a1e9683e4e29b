import type { INestApplicationContext } from '@nestjs/common';
import { startApi, type TestApi } from './support/api';
import { testConfig } from './support/config';
import { startThrowawayPgBouncer, type ThrowawayPgBouncer } from './support/pgbouncer';
import { waitFor } from './support/poll';
import { startReceiver, type Receiver } from './support/receiver';
import { startWorker } from './support/worker';

const CLIENTS = 32;

/**
 * api and worker with DATABASE_URL pointing at PgBouncer in transaction pooling mode, with fewer
 * server connections than the apps open: any statement that needs its session (a named prepared
 * statement, a session lock, SET) would fail or leak. Migrations run directly (global setup).
 */
describe('scale out: PgBouncer in transaction mode', () => {
  // This file's own database (test/support/file-database.ts), reached through PgBouncer.
  const directUrl = testConfig().databaseUrl;
  const database = decodeURIComponent(new URL(directUrl).pathname.slice(1));
  let bouncer: ThrowawayPgBouncer;
  let api: TestApi;
  let worker: INestApplicationContext;
  let receiver: Receiver;
  let key: string;

  beforeAll(async () => {
    bouncer = await startThrowawayPgBouncer(directUrl, { serverPoolSize: 3 });
    const config = testConfig({ databaseUrl: bouncer.url, databasePoolSize: 10, retryBaseMs: 100, retryFactor: 1 });
    api = await startApi(config);
    worker = await startWorker(config);
    receiver = await startReceiver();
    ({ api_key: key } = await api.createOrg('pgbouncer'));
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await receiver?.close();
    await bouncer?.dispose();
  });

  const request = (method: string, path: string, body?: unknown) => api.request(method, path, { key, body });

  it('takes subscriptions and events, delivers them, and reads the logs back, all through PgBouncer', async () => {
    const before = await bouncer.transactions(database);
    const created = await request('POST', '/v1/webhooks', { name: 'bounced', url: `${receiver.url}/ok`, events: ['bouncer.*'] });
    expect(created.status).toBe(201);
    // Many clients at once: their transactions interleave on the 3 server connections.
    const singles = await Promise.all(
      Array.from({ length: CLIENTS }, (_, n) => request('POST', '/v1/events', { event_type: 'bouncer.single', call_id: 'call_bounce', data: { n } })),
    );
    expect(singles.map((response) => response.status)).toEqual(Array(CLIENTS).fill(202));
    const batch = await request('POST', '/v1/events/batch', { events: Array.from({ length: 50 }, (_, n) => ({ event_type: 'bouncer.batch', data: { n } })) });
    expect(batch.body.accepted).toBe(50);
    await waitFor(() => receiver.requests.length >= CLIENTS + 50, { what: 'every delivery' });

    const logs = await waitFor(
      async () => {
        const { body } = await request('GET', '/v1/webhooks/logs/all?limit=200');
        return body.logs?.length === CLIENTS + 50 && body.logs.every((log: { status: string }) => log.status === 'delivered') ? body.logs : undefined;
      },
      { what: 'every log delivered' },
    );
    expect((await request('GET', `/v1/webhooks/${created.body.id}/logs?limit=10`)).body.logs).toHaveLength(10);
    expect((await request('GET', '/v1/events?call_id=call_bounce')).body.events).toHaveLength(CLIENTS);
    expect((await request('GET', `/v1/webhooks/logs/${logs[0].id}`)).status).toBe(200);
    expect(await bouncer.transactions(database)).toBeGreaterThan(before + CLIENTS);
  });

  it('retries failed deliveries automatically and on request', async () => {
    let failures = 0;
    const flaky = await startReceiver((_, response) => void response.writeHead(failures++ < 2 ? 500 : 200).end());
    try {
      await request('POST', '/v1/webhooks', { name: 'flaky', url: `${flaky.url}/flaky`, events: ['flaky.*'], max_attempts: 3 });
      const { body: event } = await request('POST', '/v1/events', { event_type: 'flaky.retried', data: {} });
      const delivered = await waitFor(
        async () => {
          const delivery = (await request('GET', `/v1/events/${event.event_id}`)).body.deliveries?.[0];
          return delivery?.status === 'delivered' ? delivery : undefined;
        },
        { what: 'delivered on the third attempt' },
      );
      expect(delivered.attempts).toBe(3);

      const retried = await request('POST', `/v1/webhooks/logs/${delivered.log_id}/retry`);
      expect(retried.status).toBe(202);
      const detail = await waitFor(
        async () => {
          const { body } = await request('GET', `/v1/webhooks/logs/${delivered.log_id}`);
          return body.attempts === 4 && body.status === 'delivered' ? body : undefined;
        },
        { what: 'the manual retry recorded' },
      );
      expect(detail.attempts_detail.map((attempt: { attempt: number }) => attempt.attempt)).toEqual([1, 2, 3, 4]);
    } finally {
      await flaky.close();
    }
  });
});
