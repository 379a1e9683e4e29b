import type { INestApplicationContext } from '@nestjs/common';
import type { Pool } from 'pg';
import { newId } from '@app/domain/ids';
import { RetentionService } from '../apps/worker/src/maintenance/retention.service';
import { testConfig } from './support/config';
import { createTestPool } from './support/database';
import { waitFor } from './support/poll';
import { startWorker } from './support/worker';

const DAY_MS = 24 * 3600_000;

/**
 * Retention against the real database: rows are inserted backdated, then deleted by RetentionService
 * (called directly, and on its own schedule). Each test has its own organization; the database is this file's.
 */
describe('maintenance: retention', () => {
  let pool: Pool;
  const workers: INestApplicationContext[] = [];

  beforeAll(() => {
    pool = createTestPool();
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.close()));
  });

  afterAll(async () => {
    await pool?.end();
  });

  const start = async (overrides: Parameters<typeof testConfig>[0] = {}) => {
    const worker = await startWorker(testConfig({ retentionDays: 30, ...overrides }));
    workers.push(worker);
    return worker;
  };

  /** An organization with one subscription, straight into the tables. */
  const createOrg = async () => {
    const orgId = newId('org');
    const subscriptionId = newId('sub');
    await pool.query('INSERT INTO organizations (id, name) VALUES ($1, $2)', [orgId, 'retention']);
    await pool.query(
      `INSERT INTO subscriptions (id, organization_id, name, url, events, secret) VALUES ($1, $2, 'hook', 'http://127.0.0.1:9/hook', '{*}', 'whsec_test')`,
      [subscriptionId, orgId],
    );
    return { orgId, subscriptionId };
  };

  /** An event created `ageDays` ago with one delivery per given status, each with `attemptsEach` attempts. */
  const insertEvent = async (
    org: { orgId: string; subscriptionId: string },
    ageDays: number,
    deliveryStatuses: string[],
    { fannedOut = true, attemptsEach = 2, subscriptionIds = [] as string[] } = {},
  ) => {
    const createdAt = new Date(Date.now() - ageDays * DAY_MS);
    const eventId = newId('evt');
    await pool.query(
      `INSERT INTO events (id, organization_id, event_type, data, status, created_at, fanned_out_at) VALUES ($1, $2, 'retention.check', '{}', 'accepted', $3, $4)`,
      [eventId, org.orgId, createdAt, fannedOut ? createdAt : null],
    );
    const deliveryIds: string[] = [];
    for (const [index, status] of deliveryStatuses.entries()) {
      // One delivery per (event, subscription): extra deliveries need extra subscriptions.
      const subscriptionId = index === 0 ? org.subscriptionId : subscriptionIds[index - 1];
      const deliveryId = newId('dlv');
      deliveryIds.push(deliveryId);
      await pool.query(
        `INSERT INTO deliveries (id, organization_id, event_id, subscription_id, event_type, status, attempts, created_at) VALUES ($1, $2, $3, $4, 'retention.check', $5, $6, $7)`,
        [deliveryId, org.orgId, eventId, subscriptionId, status, attemptsEach, createdAt],
      );
      for (let attempt = 1; attempt <= attemptsEach; attempt++) {
        await pool.query(
          `INSERT INTO delivery_attempts (id, delivery_id, subscription_id, attempt, url, started_at, duration_ms, success) VALUES ($1, $2, $3, $4, 'http://127.0.0.1:9/hook', $5, 5, $6)`,
          [newId('att'), deliveryId, subscriptionId, attempt, createdAt, status === 'delivered' && attempt === attemptsEach],
        );
      }
    }
    return { eventId, deliveryIds };
  };

  const extraSubscription = async (orgId: string) => {
    const id = newId('sub');
    await pool.query(
      `INSERT INTO subscriptions (id, organization_id, name, url, events, secret) VALUES ($1, $2, 'other', 'http://127.0.0.1:9/other', '{*}', 'whsec_test')`,
      [id, orgId],
    );
    return id;
  };

  const count = async (sql: string, params: unknown[]) => Number((await pool.query<{ n: string }>(sql, params)).rows[0].n);
  const eventsLeft = (orgId: string) => count('SELECT count(*) AS n FROM events WHERE organization_id = $1', [orgId]);
  const eventExists = (eventId: string) => count('SELECT count(*) AS n FROM events WHERE id = $1', [eventId]);
  const deliveriesOf = async (eventId: string) =>
    (await pool.query<{ id: string; status: string }>('SELECT id, status FROM deliveries WHERE event_id = $1 ORDER BY status', [eventId])).rows;
  const attemptsOf = (deliveryId: string) => count('SELECT count(*) AS n FROM delivery_attempts WHERE delivery_id = $1', [deliveryId]);

  it('deletes old finished deliveries, their attempts and events; keeps open deliveries, unfanned and recent events', async () => {
    const org = await createOrg();
    const second = await extraSubscription(org.orgId);
    const old = {
      delivered: await insertEvent(org, 31, ['delivered']),
      failed: await insertEvent(org, 40, ['failed']),
      cancelled: await insertEvent(org, 31, ['cancelled']),
    };
    const noDeliveries = await insertEvent(org, 35, []);
    const mixed = await insertEvent(org, 31, ['failed', 'retrying'], { subscriptionIds: [second] });
    const pendingOnly = await insertEvent(org, 31, ['pending'], { attemptsEach: 0 });
    const neverFannedOut = await insertEvent(org, 31, [], { fannedOut: false });
    const recent = await insertEvent(org, 29, ['delivered']);

    const worker = await start();
    const result = await worker.get(RetentionService).deleteExpired();
    // The first rows of this file's own database: these counts are this test's alone.
    expect(result).toEqual({ events: 4, deliveries: 4, attempts: 8 });

    for (const gone of [old.delivered, old.failed, old.cancelled, noDeliveries]) expect(await eventExists(gone.eventId)).toBe(0);
    for (const deliveryId of [...old.delivered.deliveryIds, ...old.failed.deliveryIds]) expect(await attemptsOf(deliveryId)).toBe(0);

    // The event with a delivery still retrying keeps it (and its attempts); its failed sibling goes.
    expect(await eventExists(mixed.eventId)).toBe(1);
    expect(await deliveriesOf(mixed.eventId)).toEqual([{ id: mixed.deliveryIds[1], status: 'retrying' }]);
    expect(await attemptsOf(mixed.deliveryIds[1])).toBe(2);
    expect(await deliveriesOf(pendingOnly.eventId)).toEqual([{ id: pendingOnly.deliveryIds[0], status: 'pending' }]);
    // Not fanned out yet: the outbox sweep still owes it its deliveries.
    expect(await eventExists(neverFannedOut.eventId)).toBe(1);
    expect(await deliveriesOf(recent.eventId)).toHaveLength(1);
    expect(await attemptsOf(recent.deliveryIds[0])).toBe(2);
    expect(await eventsLeft(org.orgId)).toBe(4);

    // A second pass finds nothing more to delete.
    expect(await worker.get(RetentionService).deleteExpired()).toEqual({ events: 0, deliveries: 0, attempts: 0 });
  });

  it('works through more rows than one batch holds', async () => {
    const org = await createOrg();
    // 1,200 events with a delivered delivery of 1 attempt: more than one step of events and one DELETE of attempts.
    const createdAt = new Date(Date.now() - 45 * DAY_MS);
    await pool.query(
      `WITH e AS (
         INSERT INTO events (id, organization_id, event_type, data, status, created_at, fanned_out_at)
         SELECT 'evt_bulk' || lpad(n::text, 6, '0') || $1, $2, 'retention.bulk', '{}', 'accepted', $3, $3 FROM generate_series(1, 1200) AS n
         RETURNING id),
       d AS (
         INSERT INTO deliveries (id, organization_id, event_id, subscription_id, event_type, status, attempts, created_at)
         SELECT 'dlv_' || substr(e.id, 5), $2, e.id, $4, 'retention.bulk', 'delivered', 1, $3 FROM e
         RETURNING id)
       INSERT INTO delivery_attempts (id, delivery_id, subscription_id, attempt, url, started_at, duration_ms, success)
       SELECT 'att_' || substr(d.id, 5), d.id, $4, 1, 'http://127.0.0.1:9/hook', $3, 5, true FROM d`,
      [org.orgId.slice(4), org.orgId, createdAt, org.subscriptionId],
    );
    const worker = await start();
    expect(await worker.get(RetentionService).deleteExpired()).toEqual({ events: 1200, deliveries: 1200, attempts: 1200 });
    expect(await eventsLeft(org.orgId)).toBe(0);
  });

  it('keeps everything when RETENTION_DAYS is 0', async () => {
    const org = await createOrg();
    const old = await insertEvent(org, 400, ['delivered']);
    const worker = await start({ retentionDays: 0 });
    expect(await worker.get(RetentionService).deleteExpired()).toEqual({ events: 0, deliveries: 0, attempts: 0 });
    expect(await eventExists(old.eventId)).toBe(1);
    await pool.query('DELETE FROM organizations WHERE id = $1', [org.orgId]);
  });

  it('runs on its own every RETENTION_INTERVAL_MS', async () => {
    const org = await createOrg();
    const old = await insertEvent(org, 31, ['delivered']);
    await start({ retentionIntervalMs: 1000 });
    await waitFor(async () => (await eventExists(old.eventId)) === 0, { timeoutMs: 10_000, what: 'the scheduled retention run' });
    expect(await attemptsOf(old.deliveryIds[0])).toBe(0);
  });
});
