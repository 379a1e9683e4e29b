import { Queue } from 'bullmq';
import { PrismaService } from '@app/database';
import { newId } from '@app/domain/ids';
import { QueueName, redisOptionsFromUrl } from '@app/queue';
import { type TestApi, expectValidationFailed } from './support/api';
import { ADMIN_TOKEN } from './support/config';
import { orgClient, startStack, type OrgClient, type Stack } from './support/stack';

const TENANT = 'customer:acme';
const OTHER_TENANT = 'customer:globex';
const PUBLIC_URL = 'https://hooks.example.com';

/**
 * Portal sessions (issue 10): a portal token is a bearer credential on the /v1 API narrowed to its
 * tenant, whose endpoints are the subscriptions with channels exactly [tenant].
 */
describe('Portal sessions and tenant-scoped tokens', () => {
  let stack: Stack;
  let api: TestApi;
  let prisma: PrismaService;
  let orgA: OrgClient;
  let orgB: OrgClient;
  /** orgA's endpoints: the tenant's, another tenant's, an org-wide one, one listening to both tenants. */
  const endpoints = {} as Record<'tenant' | 'otherTenant' | 'orgWide' | 'bothTenants' | 'otherOrg', string>;

  const createSession = async (org: OrgClient, body: Record<string, unknown> = { tenant: TENANT }) => {
    const response = await api.request('POST', '/v1/portal/sessions', { key: org.key, body });
    expect(response.status).toBe(201);
    return response.body as { id: string; token: string; url: string; tenant: string; read_only: boolean; expires_at: string };
  };

  /** An endpoint of `org` named "endpoint", created with `key` (the organization's, or a portal token). */
  const createSubscription = async (org: OrgClient, channels?: string[], key = org.key) =>
    orgClient(api, stack.receiver, { id: org.id, api_key: key }).createSubscription({ name: 'endpoint', ...(channels && { channels }) });

  /** A delivery as the worker would have left it (no worker runs in this file). */
  const insertDelivery = async (org: OrgClient, subscriptionId: string, status = 'failed') => {
    const eventId = newId('evt');
    await prisma.event.create({ data: { id: eventId, organizationId: org.id, eventType: 'order.paid', data: {} } });
    const delivery = await prisma.delivery.create({
      data: { id: newId('dlv'), organizationId: org.id, eventId, subscriptionId, eventType: 'order.paid', status, attempts: 1 },
    });
    return delivery.id;
  };

  beforeAll(async () => {
    stack = await startStack({ workers: 0, config: { publicUrl: PUBLIC_URL }, orgName: 'Portal A' });
    api = stack.api;
    prisma = api.app.get(PrismaService);
    orgA = stack;
    orgB = await stack.addOrg('Portal B');
    endpoints.tenant = (await createSubscription(orgA, [TENANT])).id;
    endpoints.otherTenant = (await createSubscription(orgA, [OTHER_TENANT])).id;
    endpoints.orgWide = (await createSubscription(orgA)).id;
    endpoints.bothTenants = (await createSubscription(orgA, [TENANT, OTHER_TENANT])).id;
    endpoints.otherOrg = (await createSubscription(orgB, [TENANT])).id;
    const eventType = await api.request('POST', '/v1/event-types', { key: orgA.key, body: { name: 'order.paid', description: 'An order was paid' } });
    expect(eventType.status).toBe(201);
  });

  afterAll(async () => {
    if (!stack) return;
    const { config } = stack;
    const connection = redisOptionsFromUrl(config.redisUrl);
    for (const name of [QueueName.Deliveries, QueueName.Intake]) {
      const queue = new Queue(name, { connection, prefix: config.queuePrefix });
      await queue.obliterate({ force: true });
      await queue.close();
    }
    await stack.stop();
  });

  describe('POST /v1/portal/sessions', () => {
    it('answers 201 with a ps_ id, an hps_ token, the portal URL and the defaults', async () => {
      const before = Date.now();
      const session = await createSession(orgA);
      expect(Object.keys(session).sort()).toEqual(['expires_at', 'id', 'read_only', 'tenant', 'token', 'url']);
      expect(session.id).toMatch(/^ps_[0-9A-Z]{26}$/);
      expect(session.token).toMatch(/^hps_[A-Za-z0-9_-]{40,}$/);
      expect(session.url).toBe(`${PUBLIC_URL}/portal#token=${session.token}`);
      expect(session).toMatchObject({ tenant: TENANT, read_only: false });
      const expiresAt = Date.parse(session.expires_at);
      expect(expiresAt).toBeGreaterThanOrEqual(before + 3600_000);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 3600_000);
    });

    it('stores only a hash of the token', async () => {
      const session = await createSession(orgA, { tenant: TENANT, expires_in_seconds: 60, read_only: true });
      const row = await prisma.portalSession.findUniqueOrThrow({ where: { id: session.id } });
      expect(row).toMatchObject({ organizationId: orgA.id, tenant: TENANT, readOnly: true });
      expect(JSON.stringify(row)).not.toContain(session.token);
      expect(JSON.stringify(row)).not.toContain(session.token.slice(4));
      expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
      expect(Date.parse(session.expires_at) - row.createdAt.getTime()).toBeGreaterThanOrEqual(59_000);
      expect(Date.parse(session.expires_at) - row.createdAt.getTime()).toBeLessThanOrEqual(61_000);
    });

    it.each([
      ['no tenant', {}, 'tenant'],
      ['a tenant that is not a channel name', { tenant: 'bad tenant!' }, 'tenant'],
      ['a tenant over 128 characters', { tenant: 'a'.repeat(129) }, 'tenant'],
      ['a numeric tenant', { tenant: 42 }, 'tenant'],
      ['expires_in_seconds below 60', { tenant: TENANT, expires_in_seconds: 59 }, 'expires_in_seconds'],
      ['expires_in_seconds above 7 days', { tenant: TENANT, expires_in_seconds: 604_801 }, 'expires_in_seconds'],
      ['a fractional expires_in_seconds', { tenant: TENANT, expires_in_seconds: 90.5 }, 'expires_in_seconds'],
      ['a string expires_in_seconds', { tenant: TENANT, expires_in_seconds: '3600' }, 'expires_in_seconds'],
      ['a null expires_in_seconds', { tenant: TENANT, expires_in_seconds: null }, 'expires_in_seconds'],
      ['a string read_only', { tenant: TENANT, read_only: 'yes' }, 'read_only'],
      ['an unknown field', { tenant: TENANT, scope: 'all' }, 'scope'],
    ])('answers 400 with details for %s', async (_, body, field) => {
      const response = await api.request('POST', '/v1/portal/sessions', { key: orgA.key, body });
      expectValidationFailed(response, field);
    });

    it('accepts the limits of expires_in_seconds', async () => {
      for (const seconds of [60, 604_800]) {
        const session = await createSession(orgA, { tenant: TENANT, expires_in_seconds: seconds });
        expect(Math.round((Date.parse(session.expires_at) - Date.now()) / 1000)).toBeGreaterThan(seconds - 5);
      }
    });

    it('needs an API key', async () => {
      expect((await api.request('POST', '/v1/portal/sessions', { body: { tenant: TENANT } })).status).toBe(401);
    });
  });

  describe('GET /v1/portal/session', () => {
    it("answers the calling token's session: id, tenant, read_only and expires_at", async () => {
      for (const read_only of [false, true]) {
        const session = await createSession(orgA, { tenant: TENANT, read_only });
        const response = await api.request('GET', '/v1/portal/session', { key: session.token });
        expect(response.status).toBe(200);
        expect(response.body).toEqual({ id: session.id, tenant: TENANT, read_only, expires_at: session.expires_at });
      }
    });

    it('answers each token with its own session', async () => {
      const other = await createSession(orgA, { tenant: OTHER_TENANT, expires_in_seconds: 600 });
      const response = await api.request('GET', '/v1/portal/session', { key: other.token });
      expect(response.body).toEqual({ id: other.id, tenant: OTHER_TENANT, read_only: false, expires_at: other.expires_at });
    });

    it('answers 403 forbidden to an organization API key, and 401 without a credential', async () => {
      const response = await api.request('GET', '/v1/portal/session', { key: orgA.key });
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ error: 'forbidden', message: expect.stringContaining('portal session token') });
      expect((await api.request('GET', '/v1/portal/session')).status).toBe(401);
    });

    it('answers 401 token_expired once expired and 401 unauthorized once revoked', async () => {
      const expiring = await createSession(orgA);
      await prisma.portalSession.update({ where: { id: expiring.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
      const expired = await api.request('GET', '/v1/portal/session', { key: expiring.token });
      expect(expired.status).toBe(401);
      expect(expired.body.error).toBe('token_expired');

      const revoking = await createSession(orgA);
      expect((await api.request('DELETE', `/v1/portal/sessions/${revoking.id}`, { key: orgA.key })).status).toBe(204);
      const revoked = await api.request('GET', '/v1/portal/session', { key: revoking.token });
      expect(revoked.status).toBe(401);
      expect(revoked.body.error).toBe('unauthorized');
    });
  });

  describe('a portal token on the /v1 API', () => {
    let token: string;
    const as = (method: string, path: string, body?: unknown) => api.request(method, path, { key: token, body });

    beforeAll(async () => {
      token = (await createSession(orgA)).token;
    });

    it("lists the tenant's endpoints only (channels exactly [tenant], this organization's)", async () => {
      const response = await as('GET', '/v1/webhooks');
      expect(response.status).toBe(200);
      const ids = response.body.subscriptions.map((subscription: { id: string }) => subscription.id);
      expect(ids).toContain(endpoints.tenant);
      for (const other of [endpoints.otherTenant, endpoints.orgWide, endpoints.bothTenants, endpoints.otherOrg]) expect(ids).not.toContain(other);
      expect(response.body.subscriptions.every((subscription: { channels: string[] }) => subscription.channels.join() === TENANT)).toBe(true);
      expect(response.body.total).toBe(ids.length);
    });

    it("creates endpoints on the tenant's channel, and refuses other channels with a 400", async () => {
      const implicit = await createSubscription(orgA, undefined, token);
      expect(implicit.channels).toEqual([TENANT]);
      const explicit = await createSubscription(orgA, [TENANT], token);
      expect(explicit.channels).toEqual([TENANT]);
      // Seen by the organization as an ordinary subscription of the tenant's channel.
      const asOrg = await api.request('GET', `/v1/webhooks/${implicit.id}`, { key: orgA.key });
      expect(asOrg.body.channels).toEqual([TENANT]);

      for (const channels of [[OTHER_TENANT], [], [TENANT, OTHER_TENANT]]) {
        const response = await as('POST', '/v1/webhooks', { name: 'x', url: 'https://receiver.example.com/hook', events: ['*'], channels });
        expect({ channels, status: response.status, error: response.body.error }).toEqual({ channels, status: 400, error: 'validation_failed' });
        expect(response.body.details).toEqual([{ field: 'channels', message: expect.stringContaining(TENANT) }]);
      }
    });

    it("refuses to move a tenant's endpoint to other channels", async () => {
      const response = await as('PATCH', `/v1/webhooks/${endpoints.tenant}`, { channels: [OTHER_TENANT] });
      expect(response.status).toBe(400);
      expect(response.body.details).toEqual([{ field: 'channels', message: expect.any(String) }]);
      const unchanged = await api.request('GET', `/v1/webhooks/${endpoints.tenant}`, { key: orgA.key });
      expect(unchanged.body.channels).toEqual([TENANT]);
    });

    it("serves every per-webhook route for the tenant's endpoint", async () => {
      const id = endpoints.tenant;
      expect((await as('GET', `/v1/webhooks/${id}`)).status).toBe(200);
      expect((await as('PATCH', `/v1/webhooks/${id}`, { name: 'renamed by the tenant', channels: [TENANT] })).status).toBe(200);
      expect((await as('GET', `/v1/webhooks/${id}/secret`)).status).toBe(200);
      expect((await as('POST', `/v1/webhooks/${id}/secret/rotate`, { grace_seconds: 0 })).status).toBe(200);
      expect((await as('POST', `/v1/webhooks/${id}/test`)).status).toBe(202);
      expect((await as('POST', `/v1/webhooks/${id}/recover`, { since: new Date(Date.now() - 3600_000).toISOString() })).status).toBe(202);
      expect((await as('GET', `/v1/webhooks/${id}/logs`)).status).toBe(200);
      const own = await createSubscription(orgA, undefined, token);
      expect((await as('DELETE', `/v1/webhooks/${own.id}`)).status).toBe(204);
    });

    it.each(['otherTenant', 'orgWide', 'bothTenants', 'otherOrg'] as const)(
      'answers 404 on every per-webhook route for an endpoint that is %s',
      async (which) => {
        const id = endpoints[which];
        const calls: [string, string, unknown?][] = [
          ['GET', `/v1/webhooks/${id}`],
          ['PATCH', `/v1/webhooks/${id}`, { name: 'taken over' }],
          ['GET', `/v1/webhooks/${id}/secret`],
          ['POST', `/v1/webhooks/${id}/secret/rotate`, {}],
          ['POST', `/v1/webhooks/${id}/test`],
          ['POST', `/v1/webhooks/${id}/recover`, { since: new Date(Date.now() - 3600_000).toISOString() }],
          ['GET', `/v1/webhooks/${id}/logs`],
          ['DELETE', `/v1/webhooks/${id}`],
        ];
        for (const [method, path, body] of calls) {
          const response = await as(method, path, body);
          expect({ method, path, status: response.status, error: response.body?.error }).toEqual({ method, path, status: 404, error: 'not_found' });
        }
        // Untouched: the organization still sees it as it was.
        const owner = which === 'otherOrg' ? orgB : orgA;
        const still = await api.request('GET', `/v1/webhooks/${id}`, { key: owner.key });
        expect(still.status).toBe(200);
        expect(still.body.name).toBe('endpoint');
      },
    );

    it("reads, lists and retries the tenant's deliveries only", async () => {
      const own = await insertDelivery(orgA, endpoints.tenant);
      const others = [
        await insertDelivery(orgA, endpoints.otherTenant),
        await insertDelivery(orgA, endpoints.orgWide),
        await insertDelivery(orgA, endpoints.bothTenants),
        await insertDelivery(orgB, endpoints.otherOrg),
      ];

      const listed = await as('GET', '/v1/webhooks/logs/all?limit=200');
      expect(listed.status).toBe(200);
      const ids = listed.body.logs.map((log: { id: string }) => log.id);
      expect(ids).toContain(own);
      for (const other of others) expect(ids).not.toContain(other);
      expect(listed.body.logs.every((log: { webhook_id: string }) => log.webhook_id !== endpoints.orgWide)).toBe(true);
      expect(listed.body.total).toBe(ids.length);

      expect((await as('GET', `/v1/webhooks/logs/${own}`)).status).toBe(200);
      const retried = await as('POST', `/v1/webhooks/logs/${own}/retry`);
      expect(retried.status).toBe(202);
      expect(retried.body.status).toBe('pending');
      for (const other of others) {
        expect((await as('GET', `/v1/webhooks/logs/${other}`)).status).toBe(404);
        expect((await as('POST', `/v1/webhooks/logs/${other}/retry`)).status).toBe(404);
      }
      // A refused retry changed nothing.
      expect((await prisma.delivery.findUniqueOrThrow({ where: { id: others[0] } })).status).toBe('failed');
    });

    it('reads the event-type catalog but cannot change it', async () => {
      const list = await as('GET', '/v1/event-types');
      expect(list.status).toBe(200);
      expect(list.body.event_types.map((type: { name: string }) => type.name)).toEqual(['order.paid']);
      expect((await as('GET', '/v1/event-types/order.paid')).status).toBe(200);
      for (const [method, path, body] of [
        ['POST', '/v1/event-types', { name: 'order.refunded' }],
        ['PATCH', '/v1/event-types/order.paid', { description: 'changed' }],
        ['DELETE', '/v1/event-types/order.paid'],
      ] as const) {
        const response = await as(method, path, body);
        expect({ method, status: response.status, error: response.body?.error }).toEqual({ method, status: 403, error: 'forbidden' });
      }
    });

    it("manages its own channel's webhook and answers 404 for any other channel", async () => {
      const own = `/v1/channels/${encodeURIComponent(TENANT)}/webhook`;
      const put = await as('PUT', own, { url: 'https://receiver.example.com/channel' });
      expect(put.status).toBe(200);
      expect(put.body.url).toBe('https://receiver.example.com/channel');
      expect((await as('GET', own)).body.url).toBe('https://receiver.example.com/channel');
      expect((await as('POST', `${own}/regenerate-token`)).status).toBe(200);
      expect((await as('GET', `${own}/executions`)).status).toBe(200);
      expect((await as('DELETE', own)).status).toBe(200);

      await api.request('PUT', `/v1/channels/${encodeURIComponent(OTHER_TENANT)}/webhook`, {
        key: orgA.key,
        body: { url: 'https://receiver.example.com/other' },
      });
      for (const channel of [OTHER_TENANT, 'worker:w_1']) {
        const other = `/v1/channels/${encodeURIComponent(channel)}/webhook`;
        for (const [method, path, body] of [
          ['GET', other],
          ['PUT', other, { url: 'https://attacker.example.com/' }],
          ['DELETE', other],
          ['POST', `${other}/regenerate-token`],
          ['GET', `${other}/executions`],
        ] as const) {
          const response = await as(method, path, body);
          expect({ method, path, status: response.status }).toEqual({ method, path, status: 404 });
        }
      }
      const untouched = await api.request('GET', `/v1/channels/${encodeURIComponent(OTHER_TENANT)}/webhook`, { key: orgA.key });
      expect(untouched.body.url).toBe('https://receiver.example.com/other');
    });

    it('answers 403 forbidden everywhere else', async () => {
      const calls: [string, string, unknown?][] = [
        ['POST', '/v1/events', { event_type: 'order.paid', channel: TENANT, data: {} }],
        ['POST', '/v1/events/batch', { events: [{ event_type: 'order.paid', data: {} }] }],
        ['GET', '/v1/events?call_id=call_1'],
        ['GET', `/v1/events/${newId('evt')}`],
        ['POST', '/v1/orgs', { name: 'mine now' }],
        ['POST', `/v1/orgs/${orgA.id}/api-keys`],
        ['DELETE', `/v1/orgs/${orgA.id}/api-keys/key_1`],
        ['POST', '/v1/portal/sessions', { tenant: OTHER_TENANT }],
        ['DELETE', `/v1/portal/sessions/${newId('ps')}`],
      ];
      for (const [method, path, body] of calls) {
        const response = await as(method, path, body);
        expect({ method, path, status: response.status, error: response.body?.error }).toEqual({ method, path, status: 403, error: 'forbidden' });
        expect(typeof response.body.message).toBe('string');
      }
      expect(await prisma.event.count({ where: { organizationId: orgA.id, eventType: 'order.paid', channel: TENANT } })).toBe(0);
    });

    it('keeps the admin token working on /v1/orgs', async () => {
      const response = await api.request('POST', '/v1/orgs', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, body: { name: 'Still admin' } });
      expect(response.status).toBe(201);
    });
  });

  describe('a read-only portal token', () => {
    let token: string;
    const as = (method: string, path: string, body?: unknown) => api.request(method, path, { key: token, body });

    beforeAll(async () => {
      token = (await createSession(orgA, { tenant: TENANT, read_only: true })).token;
    });

    it('reads', async () => {
      expect((await as('GET', '/v1/webhooks')).status).toBe(200);
      expect((await as('GET', `/v1/webhooks/${endpoints.tenant}`)).status).toBe(200);
      expect((await as('GET', `/v1/webhooks/${endpoints.tenant}/logs`)).status).toBe(200);
      expect((await as('GET', '/v1/webhooks/logs/all')).status).toBe(200);
      expect((await as('GET', '/v1/event-types')).status).toBe(200);
      expect((await as('GET', `/v1/channels/${encodeURIComponent(TENANT)}/webhook`)).status).toBe(200);
      expect((await as('GET', '/v1/stats/deliveries')).status).toBe(200);
    });

    it('answers 403 to every write, changing nothing', async () => {
      const log = await insertDelivery(orgA, endpoints.tenant);
      const own = `/v1/channels/${encodeURIComponent(TENANT)}/webhook`;
      const calls: [string, string, unknown?][] = [
        ['POST', '/v1/webhooks', { name: 'x', url: 'https://receiver.example.com/hook', events: ['*'] }],
        ['PATCH', `/v1/webhooks/${endpoints.tenant}`, { name: 'read-only rename' }],
        ['DELETE', `/v1/webhooks/${endpoints.tenant}`],
        ['POST', `/v1/webhooks/${endpoints.tenant}/secret/rotate`, {}],
        ['POST', `/v1/webhooks/${endpoints.tenant}/test`],
        ['POST', `/v1/webhooks/${endpoints.tenant}/recover`, { since: new Date(Date.now() - 3600_000).toISOString() }],
        ['POST', `/v1/webhooks/logs/${log}/retry`],
        ['PUT', own, { url: 'https://receiver.example.com/channel' }],
        ['DELETE', own],
        ['POST', `${own}/regenerate-token`],
      ];
      for (const [method, path, body] of calls) {
        const response = await as(method, path, body);
        expect({ method, path, status: response.status, error: response.body?.error }).toEqual({ method, path, status: 403, error: 'forbidden' });
      }
      const endpoint = await api.request('GET', `/v1/webhooks/${endpoints.tenant}`, { key: orgA.key });
      expect(endpoint.body.name).not.toBe('read-only rename');
      expect((await prisma.delivery.findUniqueOrThrow({ where: { id: log } })).status).toBe('failed');
    });
  });

  describe('expiry and revocation', () => {
    it('answers 401 token_expired once the session has expired', async () => {
      const session = await createSession(orgA, { tenant: TENANT, expires_in_seconds: 60 });
      expect((await api.request('GET', '/v1/webhooks', { key: session.token })).status).toBe(200);
      await prisma.portalSession.update({ where: { id: session.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
      const response = await api.request('GET', '/v1/webhooks', { key: session.token });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ error: 'token_expired', message: expect.stringContaining('expired') });
    });

    it('refuses a revoked token from the next request on, and an unknown one', async () => {
      const session = await createSession(orgA);
      expect((await api.request('GET', '/v1/webhooks', { key: session.token })).status).toBe(200);

      expect((await api.request('DELETE', `/v1/portal/sessions/${session.id}`, { key: orgB.key })).status).toBe(404);
      expect((await api.request('DELETE', `/v1/portal/sessions/${session.id}`, { key: orgA.key })).status).toBe(204);
      const refused = await api.request('GET', '/v1/webhooks', { key: session.token });
      expect(refused.status).toBe(401);
      expect(refused.body.error).toBe('unauthorized');
      expect((await api.request('DELETE', `/v1/portal/sessions/${session.id}`, { key: orgA.key })).status).toBe(404);

      const unknown = await api.request('GET', '/v1/webhooks', { key: `hps_${'x'.repeat(43)}` });
      expect(unknown.status).toBe(401);
      expect(unknown.body.error).toBe('unauthorized');
    });

    it('answers 404 for an unknown session id', async () => {
      expect((await api.request('DELETE', `/v1/portal/sessions/${newId('ps')}`, { key: orgA.key })).status).toBe(404);
    });
  });
});
