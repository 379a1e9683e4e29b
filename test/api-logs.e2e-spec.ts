import { newId } from '@app/domain/ids';
import { QueueName, enqueueDelivery, type DeliveryQueue } from '@app/queue';
import { testConfig } from './support/config';
import { useStack } from './support/stack';

const LOG_FIELDS = [
  'blocked_by',
  'attempts',
  'created_at',
  'error_message',
  'event_id',
  'event_type',
  'id',
  'last_attempt_at',
  'next_attempt_at',
  'response_status',
  'status',
  'target_url',
  'webhook_id',
  'webhook_type',
].sort();

interface Org {
  id: string;
  api_key: string;
}

interface DeliveryRow {
  subscriptionId: string;
  eventType?: string;
  status?: string;
  createdAt?: Date;
  attempts?: number;
  responseStatus?: number | null;
  errorMessage?: string | null;
  lastAttemptAt?: Date | null;
  nextAttemptAt?: Date | null;
}

describe('Delivery logs API', () => {
  const config = testConfig();
  // Organization A is the stack's own (stack.org); B sees none of A's resources.
  const stack = useStack({ workers: 0, config, orgName: 'Logs A' });
  let deliveriesQueue: DeliveryQueue;
  let orgB: Org;
  /** A fixed clock for inserted rows, so "newest first" is decided by the test, not by timing. */
  const base = Date.parse('2026-01-01T00:00:00.000Z');
  const at = (minutes: number) => new Date(base + minutes * 60_000);

  const createSubscription = async (org: Org, url = 'https://hooks.example.com/in') => {
    const response = await stack.api.request('POST', '/v1/webhooks', { key: org.api_key, body: { name: 'logs', url, events: ['*'] } });
    expect(response.status).toBe(201);
    return response.body as { id: string; url: string };
  };

  /** Inserts an event and its delivery as the worker would have left them. */
  const insertDelivery = async (orgId: string, row: DeliveryRow) => {
    const eventType = row.eventType ?? 'workflow.completed';
    const eventId = newId('evt');
    await stack.prisma.event.create({ data: { id: eventId, organizationId: orgId, eventType, data: {}, createdAt: row.createdAt } });
    return stack.prisma.delivery.create({
      data: {
        id: newId('dlv'),
        organizationId: orgId,
        eventId,
        subscriptionId: row.subscriptionId,
        eventType,
        status: row.status ?? 'delivered',
        attempts: row.attempts ?? 1,
        responseStatus: row.responseStatus === undefined ? 200 : row.responseStatus,
        errorMessage: row.errorMessage ?? null,
        createdAt: row.createdAt,
        lastAttemptAt: row.lastAttemptAt ?? null,
        nextAttemptAt: row.nextAttemptAt ?? null,
      },
    });
  };

  const get = (org: Org, path: string) => stack.api.request('GET', path, { key: org.api_key });

  beforeAll(async () => {
    deliveriesQueue = stack.queue(QueueName.Deliveries);
    orgB = await stack.api.createOrg('Logs B');
  });

  describe('one subscription', () => {
    it('lists its logs newest first with the documented fields', async () => {
      const subscription = await createSubscription(stack.org, 'https://one.example.com/hook');
      const old = await insertDelivery(stack.org.id, { subscriptionId: subscription.id, createdAt: at(1), lastAttemptAt: at(1.5) });
      const failing = await insertDelivery(stack.org.id, {
        subscriptionId: subscription.id,
        eventType: 'workflow.failed',
        status: 'retrying',
        attempts: 2,
        responseStatus: 503,
        errorMessage: 'HTTP 503',
        createdAt: at(2),
        lastAttemptAt: at(2.5),
        nextAttemptAt: at(3),
      });

      const response = await get(stack.org, `/v1/webhooks/${subscription.id}/logs`);
      expect(response.status).toBe(200);
      expect(response.body.total).toBe(2);
      expect(response.body.logs.map((log: { id: string }) => log.id)).toEqual([failing.id, old.id]);
      expect(Object.keys(response.body.logs[0]).sort()).toEqual(LOG_FIELDS);
      expect(response.body.logs[0]).toEqual({
        id: failing.id,
        webhook_id: subscription.id,
        webhook_type: 'subscription',
        event_type: 'workflow.failed',
        event_id: failing.eventId,
        target_url: 'https://one.example.com/hook',
        status: 'retrying',
        attempts: 2,
        response_status: 503,
        error_message: 'HTTP 503',
        created_at: '2026-01-01T00:02:00.000Z',
        last_attempt_at: '2026-01-01T00:02:30.000Z',
        next_attempt_at: '2026-01-01T00:03:00.000Z',
        blocked_by: null,
      });
      expect(response.body.logs[1]).toMatchObject({ status: 'delivered', response_status: 200, error_message: null, next_attempt_at: null });
    });

    it('orders logs created at the same instant by id, newest first', async () => {
      const subscription = await createSubscription(stack.org);
      const first = await insertDelivery(stack.org.id, { subscriptionId: subscription.id, createdAt: at(10) });
      const second = await insertDelivery(stack.org.id, { subscriptionId: subscription.id, createdAt: at(10) });
      const response = await get(stack.org, `/v1/webhooks/${subscription.id}/logs`);
      expect(response.body.logs.map((log: { id: string }) => log.id)).toEqual([second.id, first.id]);
    });

    describe('paging', () => {
      const count = 205;
      let subscriptionId: string;
      let idsNewestFirst: string[];

      beforeAll(async () => {
        subscriptionId = (await createSubscription(stack.org)).id;
        const rows = Array.from({ length: count }, (_, index) => ({ eventId: newId('evt'), deliveryId: newId('dlv'), createdAt: at(100 + index) }));
        await stack.prisma.event.createMany({
          data: rows.map((row) => ({ id: row.eventId, organizationId: stack.org.id, eventType: 'bulk.item', data: {}, createdAt: row.createdAt })),
        });
        await stack.prisma.delivery.createMany({
          data: rows.map((row) => ({
            id: row.deliveryId,
            organizationId: stack.org.id,
            eventId: row.eventId,
            subscriptionId,
            eventType: 'bulk.item',
            status: 'delivered',
            attempts: 1,
            createdAt: row.createdAt,
          })),
        });
        idsNewestFirst = rows.map((row) => row.deliveryId).reverse();
      });

      const page = async (query: string) => {
        const response = await get(stack.org, `/v1/webhooks/${subscriptionId}/logs${query}`);
        expect(response.status).toBe(200);
        expect(response.body.total).toBe(count);
        return response.body.logs.map((log: { id: string }) => log.id);
      };

      it('returns 50 logs by default', async () => {
        expect(await page('')).toEqual(idsNewestFirst.slice(0, 50));
      });

      it('pages with limit and offset', async () => {
        expect(await page('?limit=10&offset=20')).toEqual(idsNewestFirst.slice(20, 30));
        expect(await page('?limit=10&offset=200')).toEqual(idsNewestFirst.slice(200));
        expect(await page('?offset=1000')).toEqual([]);
        expect(await page('?limit=0')).toEqual([]);
      });

      it('clamps a limit above 200 to 200', async () => {
        expect(await page('?limit=500')).toEqual(idsNewestFirst.slice(0, 200));
        expect(await page('?limit=99999999999999999999')).toEqual(idsNewestFirst.slice(0, 200));
      });

      it('ignores query parameters it does not know', async () => {
        expect(await page('?limit=3&cache_buster=123')).toEqual(idsNewestFirst.slice(0, 3));
      });
    });

    it("answers 404 for a deleted subscription and for another organization's", async () => {
      const subscription = await createSubscription(stack.org);
      await insertDelivery(stack.org.id, { subscriptionId: subscription.id });
      expect((await get(orgB, `/v1/webhooks/${subscription.id}/logs`)).status).toBe(404);
      await stack.api.request('DELETE', `/v1/webhooks/${subscription.id}`, { key: stack.org.api_key });
      const response = await get(stack.org, `/v1/webhooks/${subscription.id}/logs`);
      expect(response.status).toBe(404);
      expect(response.body.error).toBe('not_found');
    });
  });

  describe('query validation', () => {
    it.each([
      ['limit=-1', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=1.5', 'limit'],
      ['limit=', 'limit'],
      ['limit=5&limit=6', 'limit'],
      ['offset=-1', 'offset'],
      ['offset=ten', 'offset'],
      ['status=lost', 'status'],
      ['status=DELIVERED', 'status'],
      ['event_type=has%20space', 'event_type'],
    ])('answers 400 for ?%s', async (query, field) => {
      const subscription = await createSubscription(stack.org);
      for (const path of [`/v1/webhooks/logs/all?${query}`, `/v1/webhooks/${subscription.id}/logs?${query}`]) {
        const response = await get(stack.org, path);
        expect({ path, status: response.status }).toEqual({ path, status: 400 });
        expect(response.body).toMatchObject({ error: 'validation_failed', message: expect.any(String) });
        expect(response.body.details).toEqual([{ field, message: expect.any(String) }]);
      }
    });
  });

  describe('all logs of the organization', () => {
    let org: Org;
    let first: { id: string; url: string };
    let second: { id: string; url: string };
    let channelWebhookId: string;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      org = await stack.api.createOrg('Logs across subscriptions');
      first = await createSubscription(org, 'https://first.example.com/in');
      second = await createSubscription(org, 'https://second.example.com/in');
      channelWebhookId = newId('sub');
      await stack.prisma.subscription.create({
        data: {
          id: channelWebhookId,
          organizationId: org.id,
          kind: 'channel',
          name: 'queue:165',
          url: 'https://channel.example.com/in',
          events: ['*'],
          channels: ['queue:165'],
          channel: 'queue:165',
          channelKey: 'queue:165',
          secret: 'whk_token',
        },
      });
      ids.completed = (await insertDelivery(org.id, { subscriptionId: first.id, eventType: 'workflow.completed', status: 'delivered', createdAt: at(1) })).id;
      ids.failed = (
        await insertDelivery(org.id, { subscriptionId: first.id, eventType: 'workflow.failed', status: 'failed', responseStatus: 500, createdAt: at(2) })
      ).id;
      ids.secondCompleted = (
        await insertDelivery(org.id, { subscriptionId: second.id, eventType: 'workflow.completed', status: 'failed', responseStatus: null, createdAt: at(3) })
      ).id;
      ids.channel = (
        await insertDelivery(org.id, {
          subscriptionId: channelWebhookId,
          eventType: 'task.completed',
          status: 'pending',
          attempts: 0,
          responseStatus: null,
          createdAt: at(4),
        })
      ).id;
      await insertDelivery(orgB.id, { subscriptionId: (await createSubscription(orgB)).id, eventType: 'workflow.completed', createdAt: at(5) });
    });

    const list = async (query = '') => {
      const response = await get(org, `/v1/webhooks/logs/all${query}`);
      expect(response.status).toBe(200);
      return response.body as { logs: { id: string; webhook_type: string; target_url: string }[]; total: number };
    };

    it('lists every log of the organization, channel webhooks included, newest first', async () => {
      const body = await list();
      expect(body.total).toBe(4);
      expect(body.logs.map((log) => log.id)).toEqual([ids.channel, ids.secondCompleted, ids.failed, ids.completed]);
      expect(body.logs[0]).toMatchObject({ webhook_id: channelWebhookId, webhook_type: 'channel', target_url: 'https://channel.example.com/in', attempts: 0 });
      expect(body.logs[1]).toMatchObject({ webhook_id: second.id, webhook_type: 'subscription', target_url: 'https://second.example.com/in' });
      for (const log of body.logs) expect(Object.keys(log).sort()).toEqual(LOG_FIELDS);
    });

    it('keeps channel webhooks out of the subscription routes', async () => {
      const listed = await get(org, '/v1/webhooks');
      expect(listed.body.subscriptions.map((s: { id: string }) => s.id).sort()).toEqual([first.id, second.id].sort());
      expect((await get(org, `/v1/webhooks/${channelWebhookId}`)).status).toBe(404);
      expect((await get(org, `/v1/webhooks/${channelWebhookId}/logs`)).status).toBe(404);
      expect((await get(org, `/v1/webhooks/logs/${ids.channel}`)).body).toMatchObject({ webhook_type: 'channel', attempts_detail: [] });
    });

    it('filters by event_type, by status and by both', async () => {
      const byType = await list('?event_type=workflow.completed');
      expect(byType).toMatchObject({ total: 2 });
      expect(byType.logs.map((log) => log.id)).toEqual([ids.secondCompleted, ids.completed]);

      const byStatus = await list('?status=failed');
      expect(byStatus.logs.map((log) => log.id)).toEqual([ids.secondCompleted, ids.failed]);

      const both = await list('?event_type=workflow.completed&status=failed&limit=1');
      expect(both).toEqual({ total: 1, logs: [expect.objectContaining({ id: ids.secondCompleted })] });

      expect(await list('?event_type=never.seen')).toEqual({ logs: [], total: 0 });
    });

    it('keeps the logs of a deleted subscription', async () => {
      const doomed = await createSubscription(org, 'https://doomed.example.com/in');
      const delivery = await insertDelivery(org.id, { subscriptionId: doomed.id, eventType: 'doomed.event', createdAt: at(6) });
      expect((await stack.api.request('DELETE', `/v1/webhooks/${doomed.id}`, { key: org.api_key })).status).toBe(204);
      const body = await list('?event_type=doomed.event');
      expect(body.logs).toEqual([
        expect.objectContaining({ id: delivery.id, webhook_id: doomed.id, webhook_type: 'subscription', target_url: 'https://doomed.example.com/in' }),
      ]);
      const detail = await get(org, `/v1/webhooks/logs/${delivery.id}`);
      expect(detail.status).toBe(200);
    });

    it("never shows another organization's logs", async () => {
      const other = await get(orgB, '/v1/webhooks/logs/all?limit=200');
      const otherIds = other.body.logs.map((log: { id: string }) => log.id);
      for (const id of Object.values(ids)) expect(otherIds).not.toContain(id);
    });
  });

  describe('one log', () => {
    it('shows the log with every attempt in order', async () => {
      const subscription = await createSubscription(stack.org, 'https://detail.example.com/in');
      const delivery = await insertDelivery(stack.org.id, {
        subscriptionId: subscription.id,
        status: 'delivered',
        attempts: 2,
        responseStatus: 200,
        createdAt: at(20),
        lastAttemptAt: at(21),
      });
      const attempts = [
        { attempt: 2, success: true, responseStatus: 200, responseBody: 'ok', errorMessage: null, startedAt: at(21), durationMs: 12 },
        { attempt: 1, success: false, responseStatus: null, responseBody: null, errorMessage: 'connect ECONNREFUSED', startedAt: at(20), durationMs: 3 },
      ];
      const attemptIds: Record<number, string> = {};
      for (const attempt of attempts) {
        attemptIds[attempt.attempt] = newId('att');
        await stack.prisma.deliveryAttempt.create({
          data: { id: attemptIds[attempt.attempt], deliveryId: delivery.id, subscriptionId: subscription.id, url: subscription.url, ...attempt },
        });
      }

      const response = await get(stack.org, `/v1/webhooks/logs/${delivery.id}`);
      expect(response.status).toBe(200);
      expect(Object.keys(response.body).sort()).toEqual([...LOG_FIELDS, 'attempts_detail'].sort());
      expect(response.body).toMatchObject({
        id: delivery.id,
        webhook_id: subscription.id,
        status: 'delivered',
        attempts: 2,
        target_url: 'https://detail.example.com/in',
      });
      expect(response.body.attempts_detail).toEqual([
        {
          id: attemptIds[1],
          attempt: 1,
          started_at: '2026-01-01T00:20:00.000Z',
          duration_ms: 3,
          request_status: 'error',
          response_status: null,
          error_message: 'connect ECONNREFUSED',
          response_body: null,
        },
        {
          id: attemptIds[2],
          attempt: 2,
          started_at: '2026-01-01T00:21:00.000Z',
          duration_ms: 12,
          request_status: 'success',
          response_status: 200,
          error_message: null,
          response_body: 'ok',
        },
      ]);
    });

    it("answers 404 for an unknown log and for another organization's", async () => {
      const subscription = await createSubscription(stack.org);
      const delivery = await insertDelivery(stack.org.id, { subscriptionId: subscription.id });
      const other = await get(orgB, `/v1/webhooks/logs/${delivery.id}`);
      expect(other.status).toBe(404);
      expect(other.body.error).toBe('not_found');
      expect((await get(stack.org, `/v1/webhooks/logs/${newId('dlv')}`)).status).toBe(404);
    });
  });

  describe('manual retry', () => {
    const retry = (org: Org, logId: string) => stack.api.request('POST', `/v1/webhooks/logs/${logId}/retry`, { key: org.api_key });

    it('puts a failed delivery back to pending and queues it for an attempt now', async () => {
      const subscription = await createSubscription(stack.org);
      const delivery = await insertDelivery(stack.org.id, {
        subscriptionId: subscription.id,
        status: 'failed',
        attempts: 5,
        responseStatus: 500,
        errorMessage: 'HTTP 500',
        lastAttemptAt: at(30),
      });

      const response = await retry(stack.org, delivery.id);
      expect(response.status).toBe(202);
      expect(Object.keys(response.body).sort()).toEqual(LOG_FIELDS);
      expect(response.body).toMatchObject({ id: delivery.id, status: 'pending', attempts: 5, next_attempt_at: null, response_status: 500 });

      const stored = await stack.prisma.delivery.findUniqueOrThrow({ where: { id: delivery.id } });
      expect(stored).toMatchObject({ status: 'pending', nextAttemptAt: null, attempts: 5 });
      const job = await deliveriesQueue.getJob(delivery.id);
      expect(job?.data).toEqual({ delivery_id: delivery.id });
      expect(await job?.getState()).toBe('waiting');
    });

    it('promotes a delivery waiting for its next backoff to an attempt now', async () => {
      const subscription = await createSubscription(stack.org);
      const delivery = await insertDelivery(stack.org.id, {
        subscriptionId: subscription.id,
        status: 'retrying',
        attempts: 1,
        nextAttemptAt: new Date(Date.now() + 3600_000),
      });
      await enqueueDelivery(deliveriesQueue, delivery.id, { delayMs: 3600_000 });
      expect(await (await deliveriesQueue.getJob(delivery.id))?.getState()).toBe('delayed');

      const response = await retry(stack.org, delivery.id);
      expect(response.status).toBe(202);
      expect(response.body).toMatchObject({ status: 'pending', next_attempt_at: null });
      expect(await (await deliveriesQueue.getJob(delivery.id))?.getState()).toBe('waiting');
    });

    it('answers 409 when the subscription was deleted, and leaves the delivery alone', async () => {
      const subscription = await createSubscription(stack.org);
      const delivery = await insertDelivery(stack.org.id, { subscriptionId: subscription.id, status: 'failed' });
      await stack.api.request('DELETE', `/v1/webhooks/${subscription.id}`, { key: stack.org.api_key });
      const response = await retry(stack.org, delivery.id);
      expect(response.status).toBe(409);
      expect(response.body).toEqual({ error: 'conflict', message: expect.any(String) });
      expect((await stack.prisma.delivery.findUniqueOrThrow({ where: { id: delivery.id } })).status).toBe('failed');
      expect(await deliveriesQueue.getJob(delivery.id)).toBeUndefined();
    });

    it('answers 409 while the subscription is inactive, and retries once it is re-enabled', async () => {
      const subscription = await createSubscription(stack.org);
      const delivery = await insertDelivery(stack.org.id, { subscriptionId: subscription.id, status: 'failed' });
      await stack.api.request('PATCH', `/v1/webhooks/${subscription.id}`, { key: stack.org.api_key, body: { is_active: false } });
      const refused = await retry(stack.org, delivery.id);
      expect(refused.status).toBe(409);
      expect(refused.body.error).toBe('conflict');
      expect((await stack.prisma.delivery.findUniqueOrThrow({ where: { id: delivery.id } })).status).toBe('failed');

      await stack.api.request('PATCH', `/v1/webhooks/${subscription.id}`, { key: stack.org.api_key, body: { is_active: true } });
      expect((await retry(stack.org, delivery.id)).status).toBe(202);
    });

    it("answers 404 for an unknown log and for another organization's", async () => {
      const subscription = await createSubscription(stack.org);
      const delivery = await insertDelivery(stack.org.id, { subscriptionId: subscription.id, status: 'failed' });
      expect((await retry(orgB, delivery.id)).status).toBe(404);
      expect((await stack.prisma.delivery.findUniqueOrThrow({ where: { id: delivery.id } })).status).toBe('failed');
      expect((await retry(stack.org, newId('dlv'))).status).toBe(404);
    });
  });
  describe('totals (kept by the delivery_counts triggers, not counted per read)', () => {
    let org: Org;
    let subscriptionId: string;

    /** The organization's counters summed per (subscription, event type, status). */
    const counters = async () =>
      stack.prisma.$queryRaw<{ key: string; n: bigint }[]>`
        SELECT subscription_id || ' ' || event_type || ' ' || status AS key, sum(n)::bigint AS n FROM delivery_counts
        WHERE organization_id = ${org.id} GROUP BY 1 HAVING sum(n) <> 0 ORDER BY 1`;
    /** The same from the deliveries themselves. */
    const counted = async () =>
      stack.prisma.$queryRaw<{ key: string; n: bigint }[]>`
        SELECT subscription_id || ' ' || event_type || ' ' || status AS key, count(*)::bigint AS n FROM deliveries
        WHERE organization_id = ${org.id} GROUP BY 1 ORDER BY 1`;
    const total = async (query: string) => {
      const response = await get(org, `/v1/webhooks/${subscriptionId}/logs${query}`);
      expect(response.status).toBe(200);
      return response.body.total as number;
    };

    beforeAll(async () => {
      org = await stack.api.createOrg('Logs totals');
      subscriptionId = (await createSubscription(org)).id;
    });

    it('follow inserts, status changes and deletions, and survive compaction', async () => {
      const rows = await Promise.all(
        ['a.one', 'a.one', 'a.two', 'a.two', 'a.two'].map((eventType, index) =>
          insertDelivery(org.id, { subscriptionId, eventType, status: 'pending', createdAt: at(500 + index) }),
        ),
      );
      expect(await total('')).toBe(5);
      expect(await total('?status=pending')).toBe(5);

      await stack.prisma.delivery.updateMany({ where: { id: { in: [rows[0].id, rows[2].id] } }, data: { status: 'failed' } });
      // An update that leaves the status alone changes no total.
      await stack.prisma.delivery.updateMany({ where: { id: rows[1].id }, data: { attempts: 3 } });
      expect(await total('?status=pending')).toBe(3);
      expect(await total('?status=failed')).toBe(2);
      expect(await total('?event_type=a.two&status=failed')).toBe(1);

      // Retention deletes deliveries; deleting an event cascades to its deliveries.
      await stack.prisma.delivery.delete({ where: { id: rows[3].id } });
      await stack.prisma.event.delete({ where: { id: rows[4].eventId } });
      expect(await total('')).toBe(3);
      expect(await total('?event_type=a.two')).toBe(1);
      expect(await counters()).toEqual(await counted());

      // What the triggers run now and then for the groups a statement wrote: (a.two, pending) nets to
      // zero (3 inserted, 1 changed, 2 deleted), so folding it leaves no row of it.
      const rowsOf = async (eventType?: string, status?: string) => {
        const [{ rows: count }] = await stack.prisma.$queryRaw<{ rows: bigint }[]>`
          SELECT count(*) AS rows FROM delivery_counts WHERE organization_id = ${org.id}
            AND (${eventType ?? null}::text IS NULL OR (event_type = ${eventType ?? null} AND status = ${status ?? null}))`;
        return Number(count);
      };
      await stack.prisma.$executeRaw`SELECT compact_delivery_groups(ARRAY[${org.id}], ARRAY[${subscriptionId}], ARRAY['a.two'], ARRAY['pending'])`;
      expect(await rowsOf('a.two', 'pending')).toBe(0);
      expect(await counters()).toEqual(await counted());

      await stack.prisma.$executeRaw`SELECT compact_delivery_counts(${org.id}, NULL)`;
      expect(await rowsOf()).toBe(3); // one row per (subscription, event type, status) left
      expect(await counters()).toEqual(await counted());
      expect(await total('?status=failed')).toBe(2);
    });
  });
});
