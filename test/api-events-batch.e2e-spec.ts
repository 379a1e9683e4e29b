import type { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QueueName } from '@app/queue';
import { UNREACHABLE_REDIS_URL, withApi } from './support/api';
import { useStack } from './support/stack';
import { ADMIN_TOKEN, testConfig } from './support/config';
import { waitFor } from './support/poll';
import { sample } from './support/prometheus';
import { startReceiver, type Receiver } from './support/receiver';
import { startWorker } from './support/worker';

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const EVENT_ID = /^evt_[0-9A-HJKMNP-TV-Z]{26}$/;
const EVENT_LIMIT = 256 * 1024;

describe('Events API: POST /v1/events/batch', () => {
  const config = testConfig();
  const stack = useStack({ workers: 0, config, orgName: 'Batch intake' });
  let intakeQueue: Queue;

  const publishBatch = (key: string, body: unknown) => stack.api.request('POST', '/v1/events/batch', { key, body });
  const storedCount = (organizationId: string) => stack.prisma.event.count({ where: { organizationId } });

  beforeAll(async () => {
    intakeQueue = stack.queue(QueueName.Intake);
  });

  it('answers 202 with one result per event, in order, storing and queueing only the valid ones', async () => {
    const { id: orgId, api_key: key } = await stack.api.createOrg('Batch mixed');
    const response = await publishBatch(key, {
      events: [
        { event_type: 'order.paid', data: { order: 1 }, workflow_id: 'wf_1', channel: 'shop:1', call_id: 'call_1' },
        { event_type: 'order paid', data: {} },
        { event_type: 'order.shipped', data: { order: 1, constructor: 'kept' } },
        { event_type: 'order.paid' },
        'not an event',
        { event_type: 'order.paid', data: {}, priority: 'high' },
        { event_type: 'order.refunded', data: { text: 'é ✓ 🚀' } },
      ],
    });
    expect(response.status).toBe(202);
    const { results, accepted, rejected } = response.body;
    expect({ accepted, rejected }).toEqual({ accepted: 3, rejected: 4 });
    expect(results).toHaveLength(7);
    const acceptedShape = (eventType: string) => ({
      event_id: expect.stringMatching(EVENT_ID),
      event_type: eventType,
      created_at: expect.stringMatching(ISO_UTC),
    });
    expect(results[0]).toEqual(acceptedShape('order.paid'));
    expect(results[1]).toEqual({ error: 'validation_failed', message: expect.any(String), details: [{ field: 'event_type', message: expect.any(String) }] });
    expect(results[2]).toEqual(acceptedShape('order.shipped'));
    expect(results[3]).toEqual({ error: 'validation_failed', message: expect.any(String), details: [{ field: 'data', message: expect.any(String) }] });
    expect(results[4]).toEqual({ error: 'validation_failed', message: 'The request body must be a JSON object.' });
    expect(results[5]).toEqual({
      error: 'validation_failed',
      message: expect.any(String),
      details: [{ field: 'priority', message: 'property priority should not exist' }],
    });
    expect(results[6]).toEqual(acceptedShape('order.refunded'));

    expect(await storedCount(orgId)).toBe(3);
    const first = await stack.prisma.event.findUniqueOrThrow({ where: { id: results[0].event_id } });
    expect(first).toMatchObject({
      organizationId: orgId,
      eventType: 'order.paid',
      workflowId: 'wf_1',
      channel: 'shop:1',
      callId: 'call_1',
      status: 'accepted',
      fannedOutAt: null,
    });
    expect(first.createdAt.toISOString()).toBe(results[0].created_at);
    expect((await stack.prisma.event.findUniqueOrThrow({ where: { id: results[2].event_id } })).data).toEqual({ order: 1, constructor: 'kept' });
    // Events stored together are fanned out by one intake job naming them all (job id: the first).
    const ids = [0, 2, 6].map((index) => results[index].event_id);
    expect((await intakeQueue.getJob(ids[0]))?.data).toEqual({ event_id: ids[0], event_ids: ids });

    const fetched = await stack.api.request('GET', `/v1/events/${results[6].event_id}`, { key });
    expect(fetched.status).toBe(200);
    expect(fetched.body).toMatchObject({ event_id: results[6].event_id, event_type: 'order.refunded', data: { text: 'é ✓ 🚀' } });
  });

  it("answers another organization's key 404 for the events, and 401 without a key", async () => {
    const response = await publishBatch(stack.org.api_key, { events: [{ event_type: 'private.thing', data: {} }] });
    expect(response.status).toBe(202);
    const other = await stack.api.createOrg('Batch other org');
    const foreign = await stack.api.request('GET', `/v1/events/${response.body.results[0].event_id}`, { key: other.api_key });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toMatchObject({ error: 'not_found' });

    const anonymous = await stack.api.request('POST', '/v1/events/batch', { body: { events: [{ event_type: 'a.b', data: {} }] } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ error: 'unauthorized' });
    const unknown = await stack.api.request('POST', '/v1/events/batch', { key: 'hk_not_a_key', body: { events: [{ event_type: 'a.b', data: {} }] } });
    expect(unknown.status).toBe(401);
  });

  it('refuses a key as soon as it is revoked, even while other requests share its lookups', async () => {
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const issued = await stack.api.request('POST', `/v1/orgs/${stack.org.id}/api-keys`, { headers: admin });
    expect(issued.status).toBe(201);
    const key = issued.body.api_key as string;
    const busy = Array.from({ length: 20 }, () => stack.api.request('POST', '/v1/events', { key: stack.org.api_key, body: { event_type: 'a.b', data: {} } }));
    expect((await stack.api.request('POST', '/v1/events', { key, body: { event_type: 'a.b', data: {} } })).status).toBe(202);
    expect((await stack.api.request('DELETE', `/v1/orgs/${stack.org.id}/api-keys/${issued.body.id}`, { headers: admin })).status).toBe(204);
    const [single, batch] = await Promise.all([
      stack.api.request('POST', '/v1/events', { key, body: { event_type: 'a.b', data: {} } }),
      stack.api.request('POST', '/v1/events/batch', { key, body: { events: [{ event_type: 'a.b', data: {} }] } }),
    ]);
    expect([single.status, batch.status]).toEqual([401, 401]);
    expect((await Promise.all(busy)).every((response) => response.status === 202)).toBe(true);
  });

  describe('whole-request problems answer 400 and store nothing', () => {
    const event = { event_type: 'a.b', data: {} };
    it.each<[string, unknown, string | undefined]>([
      ['no events', { events: [] }, 'events'],
      ['501 events', { events: Array.from({ length: 501 }, () => event) }, 'events'],
      ['events missing', {}, 'events'],
      ['events not an array', { events: event }, 'events'],
      ['events null', { events: null }, 'events'],
      ['an unknown top-level field', { events: [event], priority: 'high' }, 'priority'],
      ['a JSON array', [event], undefined],
    ])('%s', async (_, body, field) => {
      const { id: orgId, api_key: key } = await stack.api.createOrg('Batch shape');
      const response = await publishBatch(key, body);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: 'validation_failed', message: expect.any(String) });
      if (field) expect(response.body.details).toEqual([expect.objectContaining({ field, message: expect.any(String) })]);
      expect(await storedCount(orgId)).toBe(0);
    });

    it('names the limit when a batch holds more than 500 events', async () => {
      const response = await publishBatch(stack.org.api_key, { events: Array.from({ length: 501 }, () => event) });
      expect(response.body.message).toContain('at most 500 events');
    });

    it.each([
      ['malformed JSON', '{"events": [{"event_type": "a.b", "data": {}}'],
      ['empty', ''],
    ])('a body that is %s', async (_, rawBody) => {
      const response = await stack.api.request('POST', '/v1/events/batch', { key: stack.org.api_key, rawBody });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    });

    it('answers 413 for a body over the 5 MiB batch limit, and accepts 500 events over 256 KiB in all', async () => {
      const { id: orgId, api_key: key } = await stack.api.createOrg('Batch limits');
      const big = { event_type: 'a.b', data: { blob: 'x'.repeat(EVENT_LIMIT - 200) } };
      const tooLarge = await publishBatch(key, { events: Array.from({ length: 21 }, () => big) });
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.body).toMatchObject({ error: 'payload_too_large', message: expect.any(String) });
      expect(await storedCount(orgId)).toBe(0);

      const many = await publishBatch(key, { events: Array.from({ length: 500 }, (_, n) => ({ event_type: 'a.b', data: { n, pad: 'p'.repeat(1000) } })) });
      expect(many.status).toBe(202);
      expect(many.body).toMatchObject({ accepted: 500, rejected: 0 });
      expect(new Set(many.body.results.map((result: { event_id: string }) => result.event_id)).size).toBe(500);
      expect(await storedCount(orgId)).toBe(500);
    });
  });

  describe('per-event problems answer in their slot', () => {
    it('an event over 256 KiB is payload_too_large; the others are accepted', async () => {
      const { id: orgId, api_key: key } = await stack.api.createOrg('Batch big event');
      const response = await publishBatch(key, {
        events: [
          { event_type: 'small.one', data: {} },
          { event_type: 'too.big', data: { blob: 'x'.repeat(EVENT_LIMIT + 1) } },
          { event_type: 'just.under', data: { blob: 'x'.repeat(EVENT_LIMIT - 200) } },
        ],
      });
      expect(response.status).toBe(202);
      expect(response.body).toMatchObject({ accepted: 2, rejected: 1 });
      expect(response.body.results[1]).toEqual({ error: 'payload_too_large', message: expect.any(String) });
      expect(response.body.results[2]).toMatchObject({ event_type: 'just.under' });
      expect(await storedCount(orgId)).toBe(2);
    });

    it('input PostgreSQL cannot store, or nested too deeply, is validation_failed for that event only', async () => {
      const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      const rawBody = `{"events":[{"event_type":"a.b","data":{"s":"x\\u0000y"}},{"event_type":"a.b","data":${nested(150)}},{"event_type":"a.b","data":${nested(20_000)}},{"event_type":"a.b","data":{"ok":true}},{"event_type":"a\\u0000b","data":{}},{"event_type":"a.b","data":{},"call_id":"\\ud800"}]}`;
      const response = await stack.api.request('POST', '/v1/events/batch', { key: stack.org.api_key, rawBody });
      expect(response.status).toBe(202);
      const unstorable = 'contains a NUL character or an unpaired UTF-16 surrogate, which cannot be stored';
      const tooDeep = 'is nested too deeply (at most 100 levels)';
      const refused = (field: string, problem: string) => ({
        error: 'validation_failed',
        message: `The request body ${problem}.`,
        details: [{ field, message: `${field} ${problem}` }],
      });
      expect(response.body.results.slice(0, 3)).toEqual([refused('data', unstorable), refused('data', tooDeep), refused('data', tooDeep)]);
      expect(response.body.results[3]).toMatchObject({ event_id: expect.stringMatching(EVENT_ID) });
      expect(response.body.results.slice(4)).toEqual([refused('event_type', unstorable), refused('call_id', unstorable)]);
    });

    it('answers each event exactly as POST /v1/events answers it alone', async () => {
      const { api_key: key } = await stack.api.createOrg('Batch parity');
      const events: unknown[] = [
        { data: {} },
        { event_type: '', data: {} },
        { event_type: 'workflow/completed', data: {} },
        { event_type: 'e'.repeat(256), data: {} },
        { event_type: 7, data: {} },
        { event_type: 'a.b', data: null },
        { event_type: 'a.b', data: [1, 2] },
        { event_type: 'a.b', data: {}, workflow_id: 12 },
        { event_type: 'a.b', data: {}, idempotency_key: '' },
        { event_type: 'a.b', data: {}, channel: 'queue 1' },
        { event_type: 'a.b', data: {}, call_id: 'c'.repeat(256) },
        { event_type: 'a.b', data: {}, priority: 'high', other: 1 },
        { event_type: 'a.b', data: { s: 'x\u0000y' } },
        { event_type: 'a.b', data: {}, workflow_id: 'wf\ud800' },
        { event_type: 'a\u0000b', data: {} },
        { event_type: 'a.b', data: {}, constructor: 'stripped as by the global pipe' },
        [{ event_type: 'a.b', data: {} }],
        null,
      ];
      const batch = await publishBatch(key, { events });
      expect(batch.status).toBe(202);
      for (const [index, event] of events.entries()) {
        const single = await stack.api.request('POST', '/v1/events', { key, body: event });
        const expected =
          single.status === 202 ? { event_id: expect.any(String), event_type: single.body.event_type, created_at: expect.any(String) } : single.body;
        expect({ index, result: batch.body.results[index] }).toEqual({ index, result: expected });
      }
    });

    it("checks each event's data against its type's schema in the catalog", async () => {
      const { id: orgId, api_key: key } = await stack.api.createOrg('Batch catalog');
      const registered = await stack.api.request('POST', '/v1/event-types', {
        key,
        body: { name: 'invoice.issued', schema: { type: 'object', required: ['amount'], properties: { amount: { type: 'number' } } } },
      });
      expect(registered.status).toBe(201);
      const single = await stack.api.request('POST', '/v1/events', { key, body: { event_type: 'invoice.issued', data: { amount: 'ten' } } });
      expect(single.status).toBe(400);

      const response = await publishBatch(key, {
        events: [
          { event_type: 'invoice.issued', data: { amount: 10 } },
          { event_type: 'invoice.issued', data: { amount: 'ten' } },
          { event_type: 'invoice.voided', data: { anything: true } },
        ],
      });
      expect(response.status).toBe(202);
      expect(response.body).toMatchObject({ accepted: 2, rejected: 1 });
      // Exactly what POST /v1/events answers for that event alone.
      expect(response.body.results[1]).toEqual(single.body);
      expect(await storedCount(orgId)).toBe(2);
    });

    it('counts each rejected event in hookline_events_rejected_total by reason', async () => {
      const metric = async (reason: string) =>
        sample((await stack.api.request<string>('GET', '/metrics')).body, 'hookline_events_rejected_total', `reason="${reason}"`) ?? 0;
      const [invalidBefore, tooLargeBefore] = [await metric('validation_failed'), await metric('payload_too_large')];
      const response = await publishBatch(stack.org.api_key, {
        events: [
          { event_type: 'a b', data: {} },
          { event_type: 'a.b' },
          { event_type: 'a.b', data: { blob: 'x'.repeat(EVENT_LIMIT + 1) } },
          { event_type: 'a.b', data: {} },
        ],
      });
      expect(response.body).toMatchObject({ accepted: 1, rejected: 3 });
      expect(await metric('validation_failed')).toBe(invalidBefore + 2);
      expect(await metric('payload_too_large')).toBe(tooLargeBefore + 1);
    });
  });

  describe('idempotency', () => {
    it('answers the first event for a key repeated within the batch, across batches and across endpoints', async () => {
      const { id: orgId, api_key: key } = await stack.api.createOrg('Batch idempotency');
      const first = await publishBatch(key, {
        events: [
          { event_type: 'invoice.paid', data: { n: 1 }, idempotency_key: 'inv-1' },
          { event_type: 'invoice.paid', data: { n: 2 } },
          { event_type: 'invoice.retried', data: { n: 3 }, idempotency_key: 'inv-1' },
          { event_type: 'invoice.paid', data: { n: 4 }, idempotency_key: 'inv-2' },
        ],
      });
      expect(first.status).toBe(202);
      const [one, two, three, four] = first.body.results;
      expect(first.body).toMatchObject({ accepted: 4, rejected: 0 });
      expect(three).toEqual(one);
      expect(two.event_id).not.toBe(one.event_id);
      expect(four.event_id).not.toBe(one.event_id);
      expect(await storedCount(orgId)).toBe(3);

      const again = await publishBatch(key, {
        events: [
          { event_type: 'invoice.paid', data: { n: 5 }, idempotency_key: 'inv-2' },
          { event_type: 'invoice.paid', data: { n: 6 }, idempotency_key: 'inv-3' },
        ],
      });
      expect(again.body.results[0]).toEqual(four);
      const single = await stack.api.request('POST', '/v1/events', { key, body: { event_type: 'x.y', data: {}, idempotency_key: 'inv-3' } });
      expect(single.status).toBe(202);
      expect(single.body).toEqual(again.body.results[1]);
      // The single endpoint's key, repeated in a batch.
      const fromSingle = await stack.api.request('POST', '/v1/events', { key, body: { event_type: 'x.y', data: {}, idempotency_key: 'inv-4' } });
      const repeated = await publishBatch(key, { events: [{ event_type: 'x.y', data: {}, idempotency_key: 'inv-4' }] });
      expect(repeated.body.results[0]).toEqual(fromSingle.body);
      expect(await storedCount(orgId)).toBe(5);
    });

    it('a key older than 24 h names a new event', async () => {
      const { id: orgId, api_key: key } = await stack.api.createOrg('Batch idempotency expiry');
      const first = await publishBatch(key, { events: [{ event_type: 'a.b', data: {}, idempotency_key: 'old' }] });
      await stack.prisma.event.update({ where: { id: first.body.results[0].event_id }, data: { createdAt: new Date(Date.now() - 25 * 3600_000) } });
      const second = await publishBatch(key, { events: [{ event_type: 'a.b', data: {}, idempotency_key: 'old' }] });
      expect(second.body.results[0].event_id).not.toBe(first.body.results[0].event_id);
      expect(await storedCount(orgId)).toBe(2);
    });

    it('concurrent batches and single requests with the same key store one event and all answer it', async () => {
      const { id: orgId, api_key: key } = await stack.api.createOrg('Batch idempotency race');
      const body = { event_type: 'a.b', data: {}, idempotency_key: 'race' };
      const responses = await Promise.all([
        ...Array.from({ length: 5 }, () => publishBatch(key, { events: [body, { event_type: 'a.b', data: {} }] })),
        ...Array.from({ length: 5 }, () => stack.api.request('POST', '/v1/events', { key, body })),
      ]);
      const ids = responses.map((response) => (response.body.results ? response.body.results[0] : response.body).event_id);
      expect(responses.every((response) => response.status === 202)).toBe(true);
      expect(new Set(ids).size).toBe(1);
      expect(await stack.prisma.event.count({ where: { organizationId: orgId, idempotencyKey: 'race' } })).toBe(1);
      expect(await storedCount(orgId)).toBe(6);
    });
  });

  it('single requests arriving together are each answered with their own event', async () => {
    const { id: orgId, api_key: key } = await stack.api.createOrg('Coalesced singles');
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, n) => stack.api.request('POST', '/v1/events', { key, body: { event_type: 'tick', data: { n } } })),
    );
    expect(responses.every((response) => response.status === 202)).toBe(true);
    const ids = responses.map((response) => response.body.event_id as string);
    expect(new Set(ids).size).toBe(40);
    const stored = await stack.prisma.event.findMany({ where: { organizationId: orgId }, select: { id: true, data: true } });
    const dataById = new Map(stored.map((event) => [event.id, event.data]));
    ids.forEach((id, n) => expect(dataById.get(id)).toEqual({ n }));
  });

  it('still accepts a batch while Redis is unreachable, leaving the events for the outbox sweeper', async () => {
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await withApi({ ...config, redisUrl: UNREACHABLE_REDIS_URL }, async (noRedis) => {
        const response = await noRedis.request('POST', '/v1/events/batch', {
          key: stack.org.api_key,
          body: {
            events: [
              { event_type: 'during.outage', data: {} },
              { event_type: 'during.outage', data: {} },
            ],
          },
        });
        expect(response.status).toBe(202);
        for (const result of response.body.results) {
          expect(await stack.prisma.event.findUniqueOrThrow({ where: { id: result.event_id } })).toMatchObject({ status: 'accepted', fannedOutAt: null });
        }
      });
    } finally {
      quiet.mockRestore();
    }
  });

  describe('delivery', () => {
    let worker: INestApplicationContext;
    let receiver: Receiver;

    beforeAll(async () => {
      worker = await startWorker(config);
      receiver = await startReceiver();
    });

    afterAll(async () => {
      await worker?.close();
      await receiver?.close();
    });

    it('delivers every accepted event of a batch to a matching subscription', async () => {
      const { api_key: key } = await stack.api.createOrg('Batch delivery');
      const subscription = await stack.api.request('POST', '/v1/webhooks', {
        key,
        body: { name: 'batch hook', url: `${receiver.url}/batch`, events: ['batch.*'] },
      });
      expect(subscription.status).toBe(201);
      const response = await publishBatch(key, {
        events: [{ event_type: 'batch.one', data: { n: 1 } }, { event_type: 'batch one' }, { event_type: 'batch.two', data: { n: 2 } }],
      });
      expect(response.body).toMatchObject({ accepted: 2, rejected: 1 });
      const expected = [response.body.results[0].event_id, response.body.results[2].event_id];
      await waitFor(() => receiver.requests.filter((request) => request.path === '/batch').length >= 2, { what: 'two deliveries' });
      const delivered = receiver.requests.filter((request) => request.path === '/batch').map((request) => JSON.parse(request.body));
      expect(delivered.map((body) => body.event_id).sort()).toEqual([...expected].sort());
      for (const id of expected) {
        const event = await waitFor(async () => {
          const { body } = await stack.api.request('GET', `/v1/events/${id}`, { key });
          return body.deliveries?.[0]?.status === 'delivered' && body;
        });
        expect(event.deliveries).toHaveLength(1);
      }
    });
  });
});
