import type { TestApi } from './support/api';
import { waitFor } from './support/poll';
import { startStack, type Stack } from './support/stack';

const TENANT = 'customer:acme';

/** Payload filters on a tenant's endpoints (portal token): saved, checked, tried and applied as org-wide. */
describe('payload filters on tenant endpoints', () => {
  let stack: Stack;
  let api: TestApi;
  let token: string;

  const asTenant = (method: string, path: string, body?: unknown) => api.request(method, path, { key: token, body });

  beforeAll(async () => {
    stack = await startStack({ orgName: 'tenant filters' });
    api = stack.api;
    const session = await api.request('POST', '/v1/portal/sessions', { key: stack.key, body: { tenant: TENANT } });
    expect(session.status).toBe(201);
    token = session.body.token;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('saves, shows, replaces and clears a filter', async () => {
    const created = await asTenant('POST', '/v1/webhooks', {
      name: 'acme',
      url: `${stack.receiver.url}/acme`,
      events: ['order.*'],
      filter: { 'data.amount': { $gte: 100 } },
    });
    expect(created.status).toBe(201);
    expect(created.body.filter).toEqual({ 'data.amount': { $gte: 100 } });
    expect((await asTenant('GET', `/v1/webhooks/${created.body.id}`)).body.filter).toEqual({ 'data.amount': { $gte: 100 } });
    expect((await asTenant('GET', '/v1/webhooks')).body.subscriptions.map((s: any) => s.filter)).toEqual([{ 'data.amount': { $gte: 100 } }]);
    const refused = await asTenant('PATCH', `/v1/webhooks/${created.body.id}`, { filter: { $or: [{ 'data.amount': { $gt: 'x', $regex: 'a' } }] } });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      error: 'validation_failed',
      message: expect.any(String),
      details: [{ field: 'filter.$or.0.data.amount.$regex', message: expect.any(String) }],
    });
    const cleared = await asTenant('PATCH', `/v1/webhooks/${created.body.id}`, { filter: null });
    expect(cleared.body.filter).toBeNull();
  });

  it('tries a filter with filter-test', async () => {
    const event = { event_type: 'order.paid', channel: TENANT, data: { amount: 120 } };
    expect((await asTenant('POST', '/v1/webhooks/filter-test', { filter: { 'data.amount': { $gt: 100 } }, event })).body).toEqual({ matches: true });
    expect((await asTenant('POST', '/v1/webhooks/filter-test', { filter: { 'data.amount': { $gt: 200 } }, event })).body).toEqual({ matches: false });
    expect((await asTenant('POST', '/v1/webhooks/filter-test', { filter: { 'data.amount': { $in: 1 } }, event })).status).toBe(400);
  });

  it('delivers to a tenant endpoint only the events its filter matches', async () => {
    const created = await asTenant('POST', '/v1/webhooks', {
      name: 'big',
      url: `${stack.receiver.url}/big`,
      events: ['order.*'],
      filter: { 'data.amount': { $gte: 100 } },
    });
    expect(created.status).toBe(201);
    const sentinel = await stack.createSubscription({ url: `${stack.receiver.url}/sentinel` });
    const big = await stack.publish({ event_type: 'order.paid', channel: TENANT, data: { amount: 150 } });
    const small = await stack.publish({ event_type: 'order.paid', channel: TENANT, data: { amount: 50 } });
    const webhooksOf = (eventId: string) =>
      waitFor(async () => {
        const deliveries = (await api.request('GET', `/v1/events/${eventId}`, { key: stack.key })).body.deliveries as Array<{ webhook_id: string }>;
        return deliveries.some((d) => d.webhook_id === sentinel.id) && deliveries.map((d) => d.webhook_id);
      });
    expect(await webhooksOf(big)).toContain(created.body.id);
    expect(await webhooksOf(small)).not.toContain(created.body.id);
  });
});
