import { Queue } from 'bullmq';
import { newId } from '@app/domain/ids';
import { QueueName } from '@app/queue';
import { startApi } from './support/api';
import { ADMIN_TOKEN, testConfig } from './support/config';
import { useStack } from './support/stack';

const RESPONSE_FIELDS = [
  'channels',
  'created_at',
  'disabled_reason',
  'events',
  'filter',
  'headers',
  'id',
  'is_active',
  'max_attempts',
  'name',
  'ordering',
  'payload_format',
  'rate_limit_per_second',
  'signature_scheme',
  'updated_at',
  'url',
].sort();

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('Subscriptions API', () => {
  const config = testConfig();
  // Organization A is the stack's own (stack.org); B sees none of A's resources.
  const stack = useStack({ workers: 0, config, orgName: 'Subscriptions A' });
  let intakeQueue: Queue;
  let orgB: { id: string; api_key: string };

  const valid = (overrides: Record<string, unknown> = {}) => ({
    name: 'Production webhook',
    url: 'https://hooks.example.com/hookline',
    events: ['workflow.completed', 'workflow.failed'],
    ...overrides,
  });
  const createSubscription = async (key: string, overrides: Record<string, unknown> = {}) => {
    const response = await stack.api.request('POST', '/v1/webhooks', { key, body: valid(overrides) });
    expect(response.status).toBe(201);
    return response.body;
  };

  beforeAll(async () => {
    intakeQueue = stack.queue(QueueName.Intake);
    orgB = await stack.api.createOrg('Subscriptions B');
  });

  describe('CRUD', () => {
    it('creates a subscription with defaults and shows the generated secret once', async () => {
      const response = await stack.api.request('POST', '/v1/webhooks', { key: stack.org.api_key, body: valid() });
      expect(response.status).toBe(201);
      const body = response.body;
      expect(Object.keys(body).sort()).toEqual([...RESPONSE_FIELDS, 'secret'].sort());
      expect(body).toMatchObject({
        name: 'Production webhook',
        url: 'https://hooks.example.com/hookline',
        events: ['workflow.completed', 'workflow.failed'],
        channels: [],
        headers: {},
        is_active: true,
        max_attempts: config.retryMaxAttempts,
        payload_format: 'envelope',
        rate_limit_per_second: null,
        ordering: 'none',
        disabled_reason: null,
      });
      expect(body.id).toMatch(/^sub_[0-9A-HJKMNP-TV-Z]{26}$/);
      expect(body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
      expect(Buffer.from(body.secret.slice('whsec_'.length), 'base64')).toHaveLength(24);
      expect(body.created_at).toMatch(ISO_UTC);
      expect(body.updated_at).toMatch(ISO_UTC);

      const fetched = await stack.api.request('GET', `/v1/webhooks/${body.id}`, { key: stack.org.api_key });
      expect(fetched.status).toBe(200);
      expect(Object.keys(fetched.body).sort()).toEqual(RESPONSE_FIELDS);
      const { secret, ...withoutSecret } = body;
      expect(fetched.body).toEqual(withoutSecret);

      const secretResponse = await stack.api.request('GET', `/v1/webhooks/${body.id}/secret`, { key: stack.org.api_key });
      expect(secretResponse.status).toBe(200);
      expect(secretResponse.body).toEqual({ secret });
    });

    it('stores every optional field as given', async () => {
      const optional = {
        secret: 'my-own-secret',
        headers: { 'X-Custom-Header': 'custom-value', Authorization: 'Bearer abc' },
        is_active: false,
        max_attempts: 3,
        channels: ['worker:w_123', 'queue:165'],
        payload_format: 'data',
        rate_limit_per_second: 25,
        events: ['*'],
      };
      const body = await createSubscription(stack.org.api_key, optional);
      expect(body).toMatchObject(optional);
      const secret = await stack.api.request('GET', `/v1/webhooks/${body.id}/secret`, { key: stack.org.api_key });
      expect(secret.body).toEqual({ secret: 'my-own-secret' });
    });

    it('lists the live subscriptions of the organization without secrets', async () => {
      const org = await stack.api.createOrg('Listing org');
      const first = await createSubscription(org.api_key, { name: 'first' });
      const second = await createSubscription(org.api_key, { name: 'second' });
      const response = await stack.api.request('GET', '/v1/webhooks', { key: org.api_key });
      expect(response.status).toBe(200);
      expect(response.body.total).toBe(2);
      expect(response.body.subscriptions.map((s: { id: string }) => s.id)).toEqual([first.id, second.id]);
      for (const subscription of response.body.subscriptions) expect(Object.keys(subscription).sort()).toEqual(RESPONSE_FIELDS);
    });

    it('updates any subset of fields with PATCH and bumps updated_at', async () => {
      const created = await createSubscription(stack.org.api_key, { max_attempts: 7, rate_limit_per_second: 5 });
      const response = await stack.api.request('PATCH', `/v1/webhooks/${created.id}`, {
        key: stack.org.api_key,
        body: { events: ['workflow.*'], is_active: false, headers: { 'X-Team': 'core' }, max_attempts: null },
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        id: created.id,
        name: created.name,
        url: created.url,
        events: ['workflow.*'],
        is_active: false,
        headers: { 'X-Team': 'core' },
        max_attempts: config.retryMaxAttempts,
        rate_limit_per_second: 5,
        created_at: created.created_at,
      });
      expect(response.body).not.toHaveProperty('secret');
      expect(Date.parse(response.body.updated_at)).toBeGreaterThan(Date.parse(created.updated_at));

      const renamed = await stack.api.request('PATCH', `/v1/webhooks/${created.id}`, {
        key: stack.org.api_key,
        body: {
          name: 'Renamed',
          url: 'https://other.example.com/in',
          secret: 'rotated-secret',
          rate_limit_per_second: null,
          payload_format: 'data',
          channels: ['queue:1'],
        },
      });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({
        name: 'Renamed',
        url: 'https://other.example.com/in',
        rate_limit_per_second: null,
        payload_format: 'data',
        channels: ['queue:1'],
      });
      const secret = await stack.api.request('GET', `/v1/webhooks/${created.id}/secret`, { key: stack.org.api_key });
      expect(secret.body).toEqual({ secret: 'rotated-secret' });
    });

    it('clears disabled_reason when a disabled subscription is re-enabled', async () => {
      const created = await createSubscription(stack.org.api_key);
      await stack.prisma.subscription.update({ where: { id: created.id }, data: { isActive: false, disabledReason: 'failing for 120 hours' } });
      const disabled = await stack.api.request('GET', `/v1/webhooks/${created.id}`, { key: stack.org.api_key });
      expect(disabled.body).toMatchObject({ is_active: false, disabled_reason: 'failing for 120 hours' });
      const enabled = await stack.api.request('PATCH', `/v1/webhooks/${created.id}`, { key: stack.org.api_key, body: { is_active: true } });
      expect(enabled.body).toMatchObject({ is_active: true, disabled_reason: null });
    });

    it('deletes softly: 204, then 404, open deliveries cancelled, logs still in logs/all', async () => {
      const created = await createSubscription(stack.org.api_key);
      const statuses = ['pending', 'retrying', 'delivered', 'failed'];
      const deliveryIds: string[] = [];
      for (const status of statuses) {
        const eventId = newId('evt');
        await stack.prisma.event.create({ data: { id: eventId, organizationId: stack.org.id, eventType: 'workflow.completed', data: {} } });
        const delivery = await stack.prisma.delivery.create({
          data: {
            id: newId('dlv'),
            organizationId: stack.org.id,
            eventId,
            subscriptionId: created.id,
            eventType: 'workflow.completed',
            status,
            nextAttemptAt: new Date(),
          },
        });
        deliveryIds.push(delivery.id);
      }

      const deleted = await stack.api.request('DELETE', `/v1/webhooks/${created.id}`, { key: stack.org.api_key });
      expect(deleted.status).toBe(204);
      expect(deleted.body).toBeUndefined();

      for (const path of ['', '/secret', '/logs']) {
        const response = await stack.api.request('GET', `/v1/webhooks/${created.id}${path}`, { key: stack.org.api_key });
        expect(response.status).toBe(404);
        expect(response.body.error).toBe('not_found');
      }
      expect((await stack.api.request('PATCH', `/v1/webhooks/${created.id}`, { key: stack.org.api_key, body: { name: 'x' } })).status).toBe(404);
      expect((await stack.api.request('DELETE', `/v1/webhooks/${created.id}`, { key: stack.org.api_key })).status).toBe(404);
      expect((await stack.api.request('POST', `/v1/webhooks/${created.id}/test`, { key: stack.org.api_key })).status).toBe(404);
      const list = await stack.api.request('GET', '/v1/webhooks', { key: stack.org.api_key });
      expect(list.body.subscriptions.map((s: { id: string }) => s.id)).not.toContain(created.id);

      const rows = await stack.prisma.delivery.findMany({ where: { subscriptionId: created.id } });
      const statusById = Object.fromEntries(rows.map((row) => [row.id, row.status]));
      expect(deliveryIds.map((id) => statusById[id])).toEqual(['cancelled', 'cancelled', 'delivered', 'failed']);
      const stored = await stack.prisma.subscription.findUniqueOrThrow({ where: { id: created.id } });
      expect(stored.deletedAt).not.toBeNull();
      expect(stored.isActive).toBe(false);

      const logs = await stack.api.request('GET', '/v1/webhooks/logs/all?limit=200', { key: stack.org.api_key });
      const ours = logs.body.logs.filter((log: { webhook_id: string }) => log.webhook_id === created.id);
      expect(ours).toHaveLength(4);
      expect(ours.every((log: { webhook_type: string }) => log.webhook_type === 'subscription')).toBe(true);
    });

    it('answers 404 for an unknown id', async () => {
      const response = await stack.api.request('GET', `/v1/webhooks/${newId('sub')}`, { key: stack.org.api_key });
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: 'not_found', message: expect.any(String) });
    });
  });

  describe('test endpoint', () => {
    it('creates a webhook.test event aimed at this subscription and queues it for fan-out', async () => {
      const created = await createSubscription(stack.org.api_key, { events: ['workflow.completed'] });
      const response = await stack.api.request('POST', `/v1/webhooks/${created.id}/test`, { key: stack.org.api_key });
      expect(response.status).toBe(202);
      expect(response.body).toEqual({ message: 'Test webhook sent successfully', event_id: expect.stringMatching(/^evt_/) });

      const event = await stack.prisma.event.findUniqueOrThrow({ where: { id: response.body.event_id } });
      expect(event).toMatchObject({ organizationId: stack.org.id, eventType: 'webhook.test', targetSubscriptionId: created.id, status: 'accepted' });
      expect(event.data).toMatchObject({ subscription_id: created.id });
      const job = await intakeQueue.getJob(response.body.event_id);
      expect(job?.data).toEqual({ event_id: response.body.event_id });
    });
  });

  describe('validation', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['missing name', { name: undefined }, 'name'],
      ['empty name', { name: '' }, 'name'],
      ['name over 255 characters', { name: 'n'.repeat(256) }, 'name'],
      ['name not a string', { name: 42 }, 'name'],
      ['missing url', { url: undefined }, 'url'],
      ['url not a URL', { url: 'not a url' }, 'url'],
      ['url with another scheme', { url: 'ftp://hooks.example.com/in' }, 'url'],
      ['url over 2048 characters', { url: `https://hooks.example.com/${'a'.repeat(2030)}` }, 'url'],
      ['url with credentials', { url: 'https://user:pass@hooks.example.com/in' }, 'url'],
      ['missing events', { events: undefined }, 'events'],
      ['empty events', { events: [] }, 'events'],
      ['events not an array', { events: 'workflow.completed' }, 'events'],
      ['event type with a space', { events: ['workflow completed'] }, 'events'],
      ['wildcard in the middle', { events: ['workflow.*.done'] }, 'events'],
      ['event entry not a string', { events: [42] }, 'events'],
      ['more than 100 filters', { events: Array.from({ length: 101 }, (_, i) => `type.${i}`) }, 'events'],
      ['secret over 255 characters', { secret: 's'.repeat(256) }, 'secret'],
      ['empty secret', { secret: '' }, 'secret'],
      ['secret not a string', { secret: 12345 }, 'secret'],
      ['null secret', { secret: null }, 'secret'],
      ['whsec_ secret that is not base64', { secret: 'whsec_not base64!' }, 'secret'],
      ['headers an array', { headers: ['X-A: 1'] }, 'headers'],
      ['Host header', { headers: { Host: 'evil.example.com' } }, 'headers'],
      ['Content-Length header', { headers: { 'content-length': '1' } }, 'headers'],
      ['Content-Type header', { headers: { 'CONTENT-TYPE': 'text/plain' } }, 'headers'],
      ['webhook-* header', { headers: { 'Webhook-Signature': 'v1,x' } }, 'headers'],
      ['X-Webhook-* header', { headers: { 'x-webhook-event': 'x' } }, 'headers'],
      ['CR/LF in a header name', { headers: { 'X-A\r\nX-B': '1' } }, 'headers'],
      ['CR/LF in a header value', { headers: { 'X-A': 'one\r\nX-Injected: yes' } }, 'headers'],
      ['space in a header name', { headers: { 'X Custom': '1' } }, 'headers'],
      ['header value not a string', { headers: { 'X-Count': 3 } }, 'headers'],
      ['header named constructor with a number value', { headers: { constructor: 3 } }, 'headers'],
      ['is_active not a boolean', { is_active: 'true' }, 'is_active'],
      ['max_attempts 0', { max_attempts: 0 }, 'max_attempts'],
      ['max_attempts 21', { max_attempts: 21 }, 'max_attempts'],
      ['max_attempts fractional', { max_attempts: 2.5 }, 'max_attempts'],
      ['max_attempts as a string', { max_attempts: '3' }, 'max_attempts'],
      ['channels not an array', { channels: 'queue:1' }, 'channels'],
      ['channel with a space', { channels: ['queue 1'] }, 'channels'],
      ['channel over 128 characters', { channels: ['c'.repeat(129)] }, 'channels'],
      ['unknown payload_format', { payload_format: 'xml' }, 'payload_format'],
      ['rate_limit_per_second 0', { rate_limit_per_second: 0 }, 'rate_limit_per_second'],
      ['rate_limit_per_second 10001', { rate_limit_per_second: 10_001 }, 'rate_limit_per_second'],
      ['unknown field', { colour: 'blue' }, 'colour'],
    ];

    it.each(cases)('refuses %s on create with 400', async (_, overrides, field) => {
      const response = await stack.api.request('POST', '/v1/webhooks', { key: stack.org.api_key, body: valid(overrides) });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: 'validation_failed', message: expect.any(String) });
      expect(response.body.details.map((detail: { field: string }) => detail.field)).toContain(field);
      expect(typeof response.body.details[0].message).toBe('string');
    });

    it.each(cases.filter(([name]) => !name.startsWith('missing')))('refuses %s on PATCH with 400', async (_, overrides, field) => {
      const created = await createSubscription(orgB.api_key);
      const response = await stack.api.request('PATCH', `/v1/webhooks/${created.id}`, { key: orgB.api_key, body: overrides });
      expect(response.status).toBe(400);
      expect(response.body.error).toBe('validation_failed');
      expect(response.body.details.map((detail: { field: string }) => detail.field)).toContain(field);
      const unchanged = await stack.api.request('GET', `/v1/webhooks/${created.id}`, { key: orgB.api_key });
      expect(unchanged.body).toMatchObject({ name: created.name, url: created.url, events: created.events });
    });

    it('refuses null for a PATCH field that cannot be empty', async () => {
      const created = await createSubscription(orgB.api_key);
      const response = await stack.api.request('PATCH', `/v1/webhooks/${created.id}`, { key: orgB.api_key, body: { name: null } });
      expect(response.status).toBe(400);
      expect(response.body.details[0].field).toBe('name');
    });

    it.each([
      ['name', '{"name":"a\\u0000b","url":"https://hooks.example.com/in","events":["a.b"]}'],
      ['secret', '{"name":"n","url":"https://hooks.example.com/in","events":["a.b"],"secret":"s\\ud800"}'],
      ['headers', '{"name":"n","url":"https://hooks.example.com/in","events":["a.b"],"headers":{"X-A":"\\udc00"}}'],
    ])('names %s when it holds text PostgreSQL cannot store', async (field, rawBody) => {
      const response = await stack.api.request('POST', '/v1/webhooks', { key: stack.org.api_key, rawBody });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        error: 'validation_failed',
        message: 'The request body contains a NUL character or an unpaired UTF-16 surrogate, which cannot be stored.',
        details: [{ field, message: `${field} contains a NUL character or an unpaired UTF-16 surrogate, which cannot be stored` }],
      });
    });

    it.each([
      ['a JSON array', '[]'],
      ['JSON null', 'null'],
      ['a JSON string', '"webhook"'],
      ['malformed JSON', '{"name": "x",'],
      ['a name holding a NUL character', '{"name":"a\\u0000b","url":"https://hooks.example.com/in","events":["a.b"]}'],
      ['a header value holding an unpaired surrogate', '{"name":"n","url":"https://hooks.example.com/in","events":["a.b"],"headers":{"X-A":"\\udc00"}}'],
    ])('answers 400 for a body that is %s', async (_, rawBody) => {
      const response = await stack.api.request('POST', '/v1/webhooks', { key: stack.org.api_key, rawBody });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    });

    it('refuses http:// and answers with the https rule when ALLOW_HTTP_URLS is off', async () => {
      const strictApi = await startApi(testConfig({ allowHttpUrls: false, allowPrivateUrls: false }));
      try {
        const org = await strictApi.createOrg('Strict URLs');
        const response = await strictApi.request('POST', '/v1/webhooks', { key: org.api_key, body: valid({ url: 'http://hooks.example.com/in' }) });
        expect(response.status).toBe(400);
        expect(response.body.details).toEqual([{ field: 'url', message: expect.stringContaining('https') }]);
        const accepted = await strictApi.request('POST', '/v1/webhooks', { key: org.api_key, body: valid() });
        expect(accepted.status).toBe(201);
      } finally {
        await strictApi.close();
      }
    });
  });

  describe('event-type catalog', () => {
    it('keeps event filters to registered types once the organization has a catalog', async () => {
      const org = await stack.api.createOrg('Subscriptions with a catalog');
      expect((await stack.api.request('POST', '/v1/webhooks', { key: org.api_key, body: valid({ events: ['anything.goes'] }) })).status).toBe(201);
      const registered = await stack.api.request('POST', '/v1/event-types', { key: org.api_key, body: { name: 'workflow.completed' } });
      expect(registered.status).toBe(201);

      const typo = await stack.api.request('POST', '/v1/webhooks', { key: org.api_key, body: valid({ events: ['workflow.complete'] }) });
      expect(typo.status).toBe(400);
      expect(typo.body).toMatchObject({ error: 'validation_failed', details: [expect.objectContaining({ field: 'events' })] });
      const created = await createSubscription(org.api_key, { events: ['workflow.completed', 'workflow.*', '*'] });

      const patched = await stack.api.request('PATCH', `/v1/webhooks/${created.id}`, { key: org.api_key, body: { events: ['billing.*'] } });
      expect(patched.status).toBe(400);
      const unchanged = await stack.api.request('GET', `/v1/webhooks/${created.id}`, { key: org.api_key });
      expect(unchanged.body.events).toEqual(['workflow.completed', 'workflow.*', '*']);
    });
  });

  describe('tenancy and authentication', () => {
    it("answers 404 for every route on another organization's subscription", async () => {
      const created = await createSubscription(stack.org.api_key);
      const attempts: [string, string, unknown?][] = [
        ['GET', `/v1/webhooks/${created.id}`],
        ['GET', `/v1/webhooks/${created.id}/secret`],
        ['GET', `/v1/webhooks/${created.id}/logs`],
        ['PATCH', `/v1/webhooks/${created.id}`, { name: 'taken over' }],
        ['POST', `/v1/webhooks/${created.id}/test`],
        ['DELETE', `/v1/webhooks/${created.id}`],
      ];
      for (const [method, path, body] of attempts) {
        const response = await stack.api.request(method, path, { key: orgB.api_key, body });
        expect({ method, path, status: response.status, error: response.body?.error }).toEqual({ method, path, status: 404, error: 'not_found' });
      }
      const listB = await stack.api.request('GET', '/v1/webhooks', { key: orgB.api_key });
      expect(listB.body.subscriptions.map((s: { id: string }) => s.id)).not.toContain(created.id);
      const stillThere = await stack.api.request('GET', `/v1/webhooks/${created.id}`, { key: stack.org.api_key });
      expect(stillThere.body).toMatchObject({ name: created.name, is_active: true });
    });

    it('answers 401 without a key or with an unknown key', async () => {
      const missing = await stack.api.request('GET', '/v1/webhooks');
      expect(missing.status).toBe(401);
      expect(missing.body.error).toBe('unauthorized');
      const unknown = await stack.api.request('GET', '/v1/webhooks', { key: 'hk_not-a-real-key' });
      expect(unknown.status).toBe(401);
    });

    it('accepts the Token scheme as well as Bearer', async () => {
      const response = await stack.api.request('GET', '/v1/webhooks', { headers: { authorization: `Token ${stack.org.api_key}` } });
      expect(response.status).toBe(200);
    });

    it('answers 403 when X-Org-Id names another organization, and 200 when it names the key owner', async () => {
      const mismatch = await stack.api.request('GET', '/v1/webhooks', { key: stack.org.api_key, headers: { 'x-org-id': orgB.id } });
      expect(mismatch.status).toBe(403);
      expect(mismatch.body.error).toBe('forbidden');
      const match = await stack.api.request('GET', '/v1/webhooks', { key: stack.org.api_key, headers: { 'x-org-id': stack.org.id } });
      expect(match.status).toBe(200);
    });

    it('stops accepting a revoked key at once', async () => {
      const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
      const issued = await stack.api.request('POST', `/v1/orgs/${stack.org.id}/api-keys`, { headers: admin });
      expect(issued.status).toBe(201);
      expect((await stack.api.request('GET', '/v1/webhooks', { key: issued.body.api_key })).status).toBe(200);
      const revoked = await stack.api.request('DELETE', `/v1/orgs/${stack.org.id}/api-keys/${issued.body.id}`, { headers: admin });
      expect(revoked.status).toBe(204);
      const after = await stack.api.request('GET', '/v1/webhooks', { key: issued.body.api_key });
      expect(after.status).toBe(401);
    });
  });
});
