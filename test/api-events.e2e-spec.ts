import { Queue } from 'bullmq';
import { newId } from '@app/domain/ids';
import { QueueName } from '@app/queue';
import { UNREACHABLE_DATABASE_URL, UNREACHABLE_REDIS_URL, withApi } from './support/api';
import { testConfig } from './support/config';
import { useStack } from './support/stack';

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const BODY_LIMIT = 256 * 1024;

describe('Events API', () => {
  const config = testConfig();
  // Organization A is the stack's own (stack.org); B sees none of A's resources.
  const stack = useStack({ workers: 0, config, orgName: 'Events A' });
  let intakeQueue: Queue;
  let orgB: { id: string; api_key: string };

  const publish = (key: string, body: unknown) => stack.api.request('POST', '/v1/events', { key, body });

  beforeAll(async () => {
    intakeQueue = stack.queue(QueueName.Intake);
    orgB = await stack.api.createOrg('Events B');
  });

  // First, so that the Redis client's 2 s connect-abort timer ends while the other tests run.
  describe('outages', () => {
    it('still accepts events while Redis is unreachable, leaving them for the outbox sweeper', async () => {
      // BullMQ prints every failed reconnection; expected here, so kept out of the test output.
      const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        await withApi({ ...config, redisUrl: UNREACHABLE_REDIS_URL }, async (noRedis) => {
          const response = await noRedis.request('POST', '/v1/events', { key: stack.org.api_key, body: { event_type: 'during.outage', data: { n: 1 } } });
          expect(response.status).toBe(202);
          const event = await stack.prisma.event.findUniqueOrThrow({ where: { id: response.body.event_id } });
          expect(event).toMatchObject({ status: 'accepted', fannedOutAt: null });
        });
      } finally {
        quiet.mockRestore();
      }
    });

    it('answers 503 service_unavailable while PostgreSQL is unreachable', async () => {
      await withApi({ ...config, databaseUrl: UNREACHABLE_DATABASE_URL }, async (noDatabase) => {
        const response = await noDatabase.request('POST', '/v1/events', { key: stack.org.api_key, body: { event_type: 'during.outage', data: {} } });
        expect(response.status).toBe(503);
        expect(response.body).toEqual({ error: 'service_unavailable', message: expect.any(String) });
      });
    });
  });

  describe('intake', () => {
    it('persists the event, queues it for fan-out and answers 202', async () => {
      const response = await publish(stack.org.api_key, { event_type: 'workflow.completed', data: { workflow: 'wf_1', ok: true }, workflow_id: 'wf_1' });
      expect(response.status).toBe(202);
      expect(response.body).toEqual({
        event_id: expect.stringMatching(/^evt_[0-9A-HJKMNP-TV-Z]{26}$/),
        event_type: 'workflow.completed',
        created_at: expect.stringMatching(ISO_UTC),
      });

      const event = await stack.prisma.event.findUniqueOrThrow({ where: { id: response.body.event_id } });
      expect(event).toMatchObject({
        organizationId: stack.org.id,
        eventType: 'workflow.completed',
        workflowId: 'wf_1',
        status: 'accepted',
        fannedOutAt: null,
        targetSubscriptionId: null,
      });
      expect(event.data).toEqual({ workflow: 'wf_1', ok: true });
      expect(event.createdAt.toISOString()).toBe(response.body.created_at);
      const job = await intakeQueue.getJob(response.body.event_id);
      expect(job?.data).toEqual({ event_id: response.body.event_id });
    });

    it('keeps data exactly as sent, keys named constructor and prototype included', async () => {
      const data = { constructor: 'Ferrari', nested: { prototype: [1, { constructor: null }], text: 'é ✓ 🚀' }, list: [{}, [], 0, false] };
      const response = await publish(stack.org.api_key, { event_type: 'race.finished', data });
      expect(response.status).toBe(202);
      const stored = await stack.prisma.event.findUniqueOrThrow({ where: { id: response.body.event_id } });
      expect(stored.data).toEqual(data);
      const fetched = await stack.api.request('GET', `/v1/events/${response.body.event_id}`, { key: stack.org.api_key });
      expect(fetched.body.data).toEqual(data);
    });

    it('accepts channel and call_id, and a body just under 256 KiB', async () => {
      const response = await publish(stack.org.api_key, {
        event_type: 'approval.requested',
        data: { blob: 'x'.repeat(BODY_LIMIT - 200) },
        channel: 'queue:165',
        call_id: 'call_under_limit',
      });
      expect(response.status).toBe(202);
      const stored = await stack.prisma.event.findUniqueOrThrow({ where: { id: response.body.event_id } });
      expect(stored).toMatchObject({ channel: 'queue:165', callId: 'call_under_limit' });
    });

    it('answers 413 with payload_too_large for a body over 256 KiB', async () => {
      const before = await stack.prisma.event.count({ where: { organizationId: stack.org.id } });
      const response = await publish(stack.org.api_key, { event_type: 'too.big', data: { blob: 'x'.repeat(BODY_LIMIT + 1) } });
      expect(response.status).toBe(413);
      expect(response.body).toMatchObject({ error: 'payload_too_large', message: expect.any(String) });
      expect(await stack.prisma.event.count({ where: { organizationId: stack.org.id } })).toBe(before);
    });

    const invalid: [string, Record<string, unknown>, string][] = [
      ['missing event_type', { data: {} }, 'event_type'],
      ['empty event_type', { event_type: '', data: {} }, 'event_type'],
      ['event_type with a space', { event_type: 'workflow completed', data: {} }, 'event_type'],
      ['event_type with a slash', { event_type: 'workflow/completed', data: {} }, 'event_type'],
      ['event_type over 255 characters', { event_type: 'e'.repeat(256), data: {} }, 'event_type'],
      ['event_type not a string', { event_type: 7, data: {} }, 'event_type'],
      ['missing data', { event_type: 'a.b' }, 'data'],
      ['data null', { event_type: 'a.b', data: null }, 'data'],
      ['data an array', { event_type: 'a.b', data: [1, 2] }, 'data'],
      ['data a string', { event_type: 'a.b', data: '{}' }, 'data'],
      ['data a number', { event_type: 'a.b', data: 1 }, 'data'],
      ['workflow_id over 255 characters', { event_type: 'a.b', data: {}, workflow_id: 'w'.repeat(256) }, 'workflow_id'],
      ['workflow_id not a string', { event_type: 'a.b', data: {}, workflow_id: 12 }, 'workflow_id'],
      ['idempotency_key over 255 characters', { event_type: 'a.b', data: {}, idempotency_key: 'k'.repeat(256) }, 'idempotency_key'],
      ['empty idempotency_key', { event_type: 'a.b', data: {}, idempotency_key: '' }, 'idempotency_key'],
      ['channel with a space', { event_type: 'a.b', data: {}, channel: 'queue 1' }, 'channel'],
      ['channel over 128 characters', { event_type: 'a.b', data: {}, channel: 'c'.repeat(129) }, 'channel'],
      ['call_id over 255 characters', { event_type: 'a.b', data: {}, call_id: 'c'.repeat(256) }, 'call_id'],
      ['unknown field', { event_type: 'a.b', data: {}, priority: 'high' }, 'priority'],
    ];

    it.each(invalid)('refuses %s with 400 and creates nothing', async (_, body, field) => {
      const before = await stack.prisma.event.count({ where: { organizationId: orgB.id } });
      const response = await publish(orgB.api_key, body);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: 'validation_failed', message: expect.any(String) });
      expect(response.body.details).toEqual([{ field, message: expect.any(String) }]);
      expect(await stack.prisma.event.count({ where: { organizationId: orgB.id } })).toBe(before);
    });

    it.each([
      ['malformed JSON', '{"event_type": "a.b", "data": {'],
      ['a JSON array', '[{"event_type": "a.b", "data": {}}]'],
      ['empty', ''],
    ])('answers 400 for a body that is %s', async (_, rawBody) => {
      const response = await stack.api.request('POST', '/v1/events', { key: orgB.api_key, rawBody });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    });
  });

  describe('hostile input', () => {
    const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

    const unstorable = 'contains a NUL character or an unpaired UTF-16 surrogate, which cannot be stored';
    const tooDeep = 'is nested too deeply (at most 100 levels)';
    it.each([
      ['a NUL character in data', '{"event_type":"a.b","data":{"s":"x\\u0000y"}}', 'data', unstorable],
      ['a NUL character in a data key', '{"event_type":"a.b","data":{"\\u0000":1}}', 'data', unstorable],
      ['an unpaired surrogate in data', '{"event_type":"a.b","data":{"s":"\\ud800"}}', 'data', unstorable],
      ['a NUL character in workflow_id', '{"event_type":"a.b","data":{},"workflow_id":"wf\\u0000"}', 'workflow_id', unstorable],
      ['a NUL character in event_type', '{"event_type":"a\\u0000b","data":{}}', 'event_type', unstorable],
      ['an unpaired surrogate in event_type', '{"event_type":"a\\udc00","data":{}}', 'event_type', unstorable],
      ['data nested 150 levels deep', `{"event_type":"a.b","data":${nested(150)}}`, 'data', tooDeep],
      ['data nested 20000 levels deep', `{"event_type":"a.b","data":${nested(20_000)}}`, 'data', tooDeep],
    ])('answers 400 for %s, naming the field, and stores nothing', async (_, rawBody, field, problem) => {
      const before = await stack.prisma.event.count({ where: { organizationId: orgB.id } });
      const response = await stack.api.request('POST', '/v1/events', { key: orgB.api_key, rawBody });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        error: 'validation_failed',
        message: `The request body ${problem}.`,
        details: [{ field, message: `${field} ${problem}` }],
      });
      expect(await stack.prisma.event.count({ where: { organizationId: orgB.id } })).toBe(before);
    });

    it('accepts emoji (surrogate pairs) and data nested 50 levels deep', async () => {
      const emoji = await publish(orgB.api_key, { event_type: 'a.b', data: { text: '🚀 done ✓' } });
      expect(emoji.status).toBe(202);
      const deep = await stack.api.request('POST', '/v1/events', { key: orgB.api_key, rawBody: `{"event_type":"a.b","data":${nested(50)}}` });
      expect(deep.status).toBe(202);
    });

    it('answers 400 for a NUL character in the path or the query, naming the parameter', async () => {
      const inPath = await stack.api.request('GET', '/v1/events/evt_%00', { key: orgB.api_key });
      expect(inPath.status).toBe(400);
      expect(inPath.body.details).toEqual([{ field: 'id', message: expect.stringContaining('id contains a NUL character') }]);
      const inQuery = await stack.api.request('GET', '/v1/events?call_id=%00', { key: orgB.api_key });
      expect(inQuery.status).toBe(400);
      expect(inQuery.body.details).toEqual([{ field: 'call_id', message: expect.stringContaining('call_id contains a NUL character') }]);
    });
  });

  describe('event-type catalog', () => {
    it('checks data against the schema of a registered type, and lets unregistered types through', async () => {
      const org = await stack.api.createOrg('Events with a catalog');
      const registered = await stack.api.request('POST', '/v1/event-types', {
        key: org.api_key,
        body: { name: 'invoice.issued', schema: { type: 'object', required: ['amount'], properties: { amount: { type: 'number' } } } },
      });
      expect(registered.status).toBe(201);

      const refused = await publish(org.api_key, { event_type: 'invoice.issued', data: { amount: 'ten' } });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({
        error: 'validation_failed',
        details: expect.arrayContaining([expect.objectContaining({ message: expect.any(String) })]),
      });
      expect(await stack.prisma.event.count({ where: { organizationId: org.id } })).toBe(0);

      expect((await publish(org.api_key, { event_type: 'invoice.issued', data: { amount: 10 } })).status).toBe(202);
      expect((await publish(org.api_key, { event_type: 'invoice.voided', data: { anything: true } })).status).toBe(202);
    });
  });

  describe('idempotency', () => {
    it('answers the first event for a repeated key and creates no second event', async () => {
      const body = { event_type: 'invoice.paid', data: { invoice: 1 }, idempotency_key: 'invoice-1-paid' };
      const first = await publish(stack.org.api_key, body);
      const second = await publish(stack.org.api_key, { ...body, data: { invoice: 1, retried: true } });
      expect(first.status).toBe(202);
      expect(second.status).toBe(202);
      expect(second.body).toEqual(first.body);
      const rows = await stack.prisma.event.findMany({ where: { organizationId: stack.org.id, eventType: 'invoice.paid' } });
      expect(rows).toHaveLength(1);
      expect(rows[0].data).toEqual({ invoice: 1 });
    });

    it('scopes keys to the organization', async () => {
      const body = { event_type: 'invoice.paid', data: {}, idempotency_key: 'shared-key' };
      const a = await publish(stack.org.api_key, body);
      const b = await publish(orgB.api_key, body);
      expect(a.status).toBe(202);
      expect(b.status).toBe(202);
      expect(b.body.event_id).not.toBe(a.body.event_id);
    });

    it('answers every concurrent request with the same key with one event', async () => {
      const body = { event_type: 'order.created', data: { order: 9 }, idempotency_key: 'order-9' };
      const responses = await Promise.all(Array.from({ length: 12 }, () => publish(stack.org.api_key, body)));
      expect(responses.map((response) => response.status)).toEqual(Array(12).fill(202));
      expect(new Set(responses.map((response) => response.body.event_id)).size).toBe(1);
      expect(await stack.prisma.event.count({ where: { organizationId: stack.org.id, idempotencyKey: 'order-9' } })).toBe(1);
      expect(await stack.prisma.event.count({ where: { organizationId: stack.org.id, eventType: 'order.created' } })).toBe(1);
    });

    it('makes a new event once the first one is older than 24 hours, releasing the old key', async () => {
      const body = { event_type: 'report.ready', data: {}, idempotency_key: 'report-daily' };
      const first = await publish(stack.org.api_key, body);
      await stack.prisma.event.update({ where: { id: first.body.event_id }, data: { createdAt: new Date(Date.now() - 24 * 3600_000 - 60_000) } });
      const second = await publish(stack.org.api_key, body);
      expect(second.status).toBe(202);
      expect(second.body.event_id).not.toBe(first.body.event_id);
      const old = await stack.prisma.event.findUniqueOrThrow({ where: { id: first.body.event_id } });
      expect(old.idempotencyKey).toBeNull();
      const again = await publish(stack.org.api_key, body);
      expect(again.body.event_id).toBe(second.body.event_id);
    });
  });

  describe('lookup', () => {
    async function subscriptionWithDelivery(orgId: string, eventId: string, status: string, attempts: number) {
      const subscriptionId = newId('sub');
      await stack.prisma.subscription.create({
        data: { id: subscriptionId, organizationId: orgId, name: 'lookup', url: 'https://hooks.example.com', events: ['*'], secret: 'whsec_c2VjcmV0' },
      });
      const delivery = await stack.prisma.delivery.create({
        data: { id: newId('dlv'), organizationId: orgId, eventId, subscriptionId, eventType: 'lookup.test', status, attempts },
      });
      return { subscriptionId, deliveryId: delivery.id };
    }

    it('shows an event with its deliveries and leaves out the optional fields it lacks', async () => {
      const published = await publish(stack.org.api_key, { event_type: 'lookup.test', data: { n: 1 } });
      const first = await subscriptionWithDelivery(stack.org.id, published.body.event_id, 'delivered', 1);
      const second = await subscriptionWithDelivery(stack.org.id, published.body.event_id, 'retrying', 2);

      const response = await stack.api.request('GET', `/v1/events/${published.body.event_id}`, { key: stack.org.api_key });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        event_id: published.body.event_id,
        event_type: 'lookup.test',
        data: { n: 1 },
        created_at: published.body.created_at,
        deliveries: [
          { log_id: first.deliveryId, webhook_id: first.subscriptionId, status: 'delivered', attempts: 1 },
          { log_id: second.deliveryId, webhook_id: second.subscriptionId, status: 'retrying', attempts: 2 },
        ],
      });
    });

    it('shows workflow_id, channel and call_id when the event has them', async () => {
      const published = await publish(stack.org.api_key, {
        event_type: 'lookup.full',
        data: {},
        workflow_id: 'wf_9',
        channel: 'worker:w_1',
        call_id: 'call_full',
      });
      const response = await stack.api.request('GET', `/v1/events/${published.body.event_id}`, { key: stack.org.api_key });
      expect(response.body).toEqual({
        event_id: published.body.event_id,
        event_type: 'lookup.full',
        data: {},
        workflow_id: 'wf_9',
        channel: 'worker:w_1',
        call_id: 'call_full',
        created_at: published.body.created_at,
        deliveries: [],
      });
    });

    it('tells when an event that came over Redis was rejected, and why', async () => {
      const id = newId('evt');
      await stack.prisma.event.create({
        data: {
          id,
          organizationId: stack.org.id,
          eventType: 'bad.event',
          data: {},
          status: 'rejected',
          rejectReason: 'data must be a JSON object',
          fannedOutAt: new Date(),
        },
      });
      const response = await stack.api.request('GET', `/v1/events/${id}`, { key: stack.org.api_key });
      expect(response.body).toMatchObject({ event_id: id, status: 'rejected', reject_reason: 'data must be a JSON object', deliveries: [] });
    });

    it('finds the events of a call_id, each shaped like GET /v1/events/:id', async () => {
      const request = await publish(stack.org.api_key, { event_type: 'approval.requested', data: { step: 1 }, call_id: 'call_abc' });
      const reply = await publish(stack.org.api_key, { event_type: 'approval.granted', data: { step: 2 }, call_id: 'call_abc' });
      await publish(stack.org.api_key, { event_type: 'approval.requested', data: {}, call_id: 'call_other' });
      await publish(orgB.api_key, { event_type: 'approval.requested', data: {}, call_id: 'call_abc' });

      const response = await stack.api.request('GET', '/v1/events?call_id=call_abc', { key: stack.org.api_key });
      expect(response.status).toBe(200);
      const one = await stack.api.request('GET', `/v1/events/${request.body.event_id}`, { key: stack.org.api_key });
      const two = await stack.api.request('GET', `/v1/events/${reply.body.event_id}`, { key: stack.org.api_key });
      expect(response.body).toEqual({ events: [one.body, two.body] });

      const none = await stack.api.request('GET', '/v1/events?call_id=call_nobody', { key: stack.org.api_key });
      expect(none.body).toEqual({ events: [] });
    });

    it('answers 400 for a lookup without call_id', async () => {
      const response = await stack.api.request('GET', '/v1/events', { key: stack.org.api_key });
      expect(response.status).toBe(400);
      expect(response.body.details).toEqual([{ field: 'call_id', message: expect.any(String) }]);
    });

    it("answers 404 for an unknown event and for another organization's", async () => {
      const published = await publish(stack.org.api_key, { event_type: 'private.thing', data: { secret: true } });
      const other = await stack.api.request('GET', `/v1/events/${published.body.event_id}`, { key: orgB.api_key });
      expect(other.status).toBe(404);
      expect(other.body).toEqual({ error: 'not_found', message: expect.any(String) });
      const unknown = await stack.api.request('GET', `/v1/events/${newId('evt')}`, { key: stack.org.api_key });
      expect(unknown.status).toBe(404);
    });

    it('needs an API key', async () => {
      expect((await stack.api.request('GET', '/v1/events?call_id=x')).status).toBe(401);
      expect((await stack.api.request('POST', '/v1/events', { body: { event_type: 'a.b', data: {} } })).status).toBe(401);
    });
  });
});
