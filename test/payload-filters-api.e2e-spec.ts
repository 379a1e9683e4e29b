import type { TestApi } from './support/api';
import { startStack, type OrgClient, type Stack } from './support/stack';

/** Saving, reading and checking payload filters (issue 12); fan-out is in payload-filters-delivery. */
describe('payload filters: API', () => {
  let stack: Stack;
  let api: TestApi;

  const post = (org: OrgClient, path: string, body: unknown) => api.request('POST', path, { key: org.key, body });
  const subscribe = (org: OrgClient, body: Record<string, unknown>) =>
    post(org, '/v1/webhooks', { name: 'filtered', url: 'https://hooks.example.com/in', events: ['*'], ...body });
  const patch = (org: OrgClient, id: string, body: unknown) => api.request('PATCH', `/v1/webhooks/${id}`, { key: org.key, body });
  const filterTest = (org: OrgClient, body: unknown) => post(org, '/v1/webhooks/filter-test', body);
  /** The details of a 400, after checking its shape. */
  const detailsOf = (response: { status: number; body: any }) => {
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: 'validation_failed', message: expect.any(String), details: expect.any(Array) });
    return response.body.details as Array<{ field: string; message: string }>;
  };
  const registerType = async (org: OrgClient, name: string, schema?: Record<string, unknown>) => {
    const response = await post(org, '/v1/event-types', { name, ...(schema && { schema }) });
    expect(response.status).toBe(201);
  };

  beforeAll(async () => {
    stack = await startStack({ workers: 0, orgName: 'payload filters api' });
    api = stack.api;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  describe('saving and reading', () => {
    const filter = { 'data.amount': { $gte: 100 }, $or: [{ channel: { $startsWith: 'shop:' } }, { 'data.items.0.sku': 'A-1' }] };

    it('stores a filter on create and shows it in every answer; null when unset', async () => {
      const created = await subscribe(stack, { filter });
      expect(created.status).toBe(201);
      expect(created.body.filter).toEqual(filter);
      const plain = await subscribe(stack, {});
      expect(plain.body.filter).toBeNull();
      const explicitNull = await subscribe(stack, { filter: null });
      expect(explicitNull.status).toBe(201);
      expect(explicitNull.body.filter).toBeNull();

      expect((await api.request('GET', `/v1/webhooks/${created.body.id}`, { key: stack.key })).body.filter).toEqual(filter);
      const list = await api.request('GET', '/v1/webhooks', { key: stack.key });
      const byId = new Map(list.body.subscriptions.map((subscription: any) => [subscription.id, subscription.filter]));
      expect(byId.get(created.body.id)).toEqual(filter);
      expect(byId.get(plain.body.id)).toBeNull();
    });

    it('replaces it with PATCH, keeps it across other changes and clears it with null', async () => {
      const { id } = (await subscribe(stack, { filter })).body;
      const replaced = await patch(stack, id, { filter: { event_type: 'order.paid' } });
      expect(replaced.status).toBe(200);
      expect(replaced.body.filter).toEqual({ event_type: 'order.paid' });
      const renamed = await patch(stack, id, { name: 'renamed' });
      expect(renamed.body.filter).toEqual({ event_type: 'order.paid' });
      const cleared = await patch(stack, id, { filter: null });
      expect(cleared.status).toBe(200);
      expect(cleared.body.filter).toBeNull();
      expect((await api.request('GET', `/v1/webhooks/${id}`, { key: stack.key })).body.filter).toBeNull();
    });

    it('keeps keys the request pipe would strip elsewhere (constructor, prototype)', async () => {
      const odd = { 'data.constructor': 'x', 'data.prototype.name': { $exists: true } };
      expect((await subscribe(stack, { filter: odd })).body.filter).toEqual(odd);
    });

    it('leaves a filter unchanged when a PATCH is refused', async () => {
      const { id } = (await subscribe(stack, { filter })).body;
      detailsOf(await patch(stack, id, { filter: { 'data.amount': { $regex: '^1' } } }));
      expect((await api.request('GET', `/v1/webhooks/${id}`, { key: stack.key })).body.filter).toEqual(filter);
    });

    it('is not a field of channel webhooks', async () => {
      const response = await api.request('PUT', '/v1/channels/queue:1/webhook', {
        key: stack.key,
        body: { url: 'https://hooks.example.com/channel', filter: { event_type: 'a' } },
      });
      expect(detailsOf(response)).toEqual([expect.objectContaining({ field: 'filter' })]);
    });
  });

  describe('validation (400 validation_failed, details naming the place in the filter)', () => {
    const refused = async (filter: unknown) => detailsOf(await subscribe(stack, { filter }));

    it('refuses what is not a filter object', async () => {
      for (const filter of [[{ event_type: 'a' }], 'event_type = a', 5, true, {}]) {
        expect(await refused(filter)).toEqual([{ field: 'filter', message: expect.any(String) }]);
      }
    });

    it('names the operator inside nested combinators', async () => {
      expect(await refused({ $or: [{ event_type: 'a' }, { 'data.amount': { $gt: true } }] })).toEqual([
        { field: 'filter.$or.1.data.amount.$gt', message: 'must be a number or a string' },
      ]);
    });

    it('refuses unknown operators, regular expressions and unknown fields', async () => {
      expect(await refused({ 'data.a': { $between: [1, 2] } })).toEqual([
        { field: 'filter.data.a.$between', message: expect.stringContaining('unknown operator') },
      ]);
      expect(await refused({ 'data.a': { $regex: '.*' } })).toEqual([
        { field: 'filter.data.a.$regex', message: expect.stringContaining('regular expressions are not supported') },
      ]);
      expect(await refused({ $where: 'x' })).toEqual([{ field: 'filter.$where', message: expect.stringContaining('unknown combinator') }]);
      expect(await refused({ amount: 5 })).toEqual([{ field: 'filter.amount', message: expect.stringContaining('unknown field') }]);
    });

    it('checks operand types', async () => {
      expect(await refused({ 'data.a': { $in: 'x' } })).toEqual([{ field: 'filter.data.a.$in', message: 'must be an array of values' }]);
      expect(await refused({ 'data.a': { $nin: 1 } })).toEqual([{ field: 'filter.data.a.$nin', message: 'must be an array of values' }]);
      expect(await refused({ 'data.a': { $exists: 'yes' } })).toEqual([{ field: 'filter.data.a.$exists', message: 'must be true or false' }]);
      expect(await refused({ 'data.a': { $startsWith: 1 } })).toEqual([{ field: 'filter.data.a.$startsWith', message: 'must be a string' }]);
      expect(await refused({ $and: { event_type: 'a' } })).toEqual([{ field: 'filter.$and', message: 'must be a non-empty array of filters' }]);
      expect(await refused({ $not: [] })).toEqual([{ field: 'filter.$not', message: 'must be a filter (a JSON object)' }]);
    });

    it('enforces depth ≤ 8', async () => {
      const nested = (levels: number) => {
        let filter: Record<string, unknown> = { 'data.a': 1 };
        for (let level = 1; level < levels; level += 1) filter = { $not: filter };
        return filter;
      };
      expect((await subscribe(stack, { filter: nested(8) })).status).toBe(201);
      expect(await refused(nested(9))).toEqual([{ field: `filter${'.$not'.repeat(8)}`, message: expect.stringContaining('8 levels') }]);
    });

    it('enforces ≤ 64 conditions', async () => {
      const conditions = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, index) => [`data.f${index}`, index]));
      expect((await subscribe(stack, { filter: conditions(64) })).status).toBe(201);
      expect(await refused(conditions(65))).toEqual([{ field: 'filter', message: 'has 65 conditions; at most 64 are allowed' }]);
    });

    it('enforces ≤ 4 KiB of JSON', async () => {
      const sized = (bytes: number) => ({ 'data.s': 'x'.repeat(bytes - JSON.stringify({ 'data.s': '' }).length) });
      expect((await subscribe(stack, { filter: sized(4096) })).status).toBe(201);
      expect(await refused(sized(4097))).toEqual([{ field: 'filter', message: 'is 4097 bytes as JSON; at most 4096 are allowed' }]);
    });

    it('checks a PATCH the same way', async () => {
      const { id } = (await subscribe(stack, {})).body;
      expect(detailsOf(await patch(stack, id, { filter: { 'data.a': { $gte: null } } }))).toEqual([
        { field: 'filter.data.a.$gte', message: 'must be a number or a string' },
      ]);
    });
  });

  describe('against the catalog schemas', () => {
    let org: OrgClient;

    beforeAll(async () => {
      org = await stack.addOrg('schema-aware filters');
      await registerType(org, 'order.paid', {
        type: 'object',
        properties: {
          amount: { type: 'number' },
          paid: { type: 'boolean' },
          customer: { $ref: '#/$defs/customer' },
          items: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' } }, additionalProperties: false } },
          meta: { type: 'object' },
        },
        $defs: { customer: { type: 'object', properties: { tier: { type: 'string' } }, additionalProperties: false } },
        additionalProperties: false,
      });
      await registerType(org, 'order.refunded', { type: 'object', properties: { reason: { type: 'string' } }, additionalProperties: false });
      await registerType(org, 'order.noted'); // no schema
      await registerType(org, 'user.created', { type: 'object', properties: { email: { type: 'string' } }, additionalProperties: false });
      await registerType(org, 'audit.logged', { type: 'object', properties: { actor: { type: 'string' } } }); // open
    });

    it('accepts paths of the schemas: properties, items, $ref, and anything below an open object', async () => {
      const filter = { 'data.amount': { $gt: 1 }, 'data.customer.tier': 'gold', 'data.items.0.sku': { $startsWith: 'A' }, 'data.meta.source.id': 1 };
      expect((await subscribe(org, { events: ['order.paid'], filter })).status).toBe(201);
      expect((await subscribe(org, { events: ['audit.logged'], filter: { 'data.actor': 'a', 'data.target.id': { $gt: 1 } } })).status).toBe(201);
      expect(detailsOf(await subscribe(org, { events: ['user.created'], filter: { 'data.target.id': 1 } }))).toEqual([
        expect.objectContaining({ field: 'filter.data.target.id' }),
      ]);
    });

    it('refuses a path that is in no schema', async () => {
      expect(
        detailsOf(await subscribe(org, { events: ['order.paid'], filter: { $or: [{ 'data.amont': { $gt: 1 } }, { 'data.customer.name': 'x' }] } })),
      ).toEqual([
        { field: 'filter.$or.0.data.amont', message: 'data.amont is not in the schema of order.paid' },
        { field: 'filter.$or.1.data.customer.name', message: 'data.customer.name is not in the schema of order.paid' },
      ]);
      expect(detailsOf(await subscribe(org, { events: ['order.paid'], filter: { 'data.items.0.price': 1 } }))).toEqual([
        expect.objectContaining({ field: 'filter.data.items.0.price' }),
      ]);
    });

    it('refuses an ordering operator on a path that is neither number nor string', async () => {
      expect(detailsOf(await subscribe(org, { events: ['order.paid'], filter: { 'data.paid': { $gte: 1 } } }))).toEqual([
        { field: 'filter.data.paid.$gte', message: '$gte compares numbers or strings, but data.paid is boolean in the schema of order.paid' },
      ]);
      expect(detailsOf(await subscribe(org, { events: ['order.paid'], filter: { 'data.items': { $lt: 3 } } }))).toEqual([
        expect.objectContaining({ field: 'filter.data.items.$lt', message: expect.stringContaining('is array') }),
      ]);
      expect((await subscribe(org, { events: ['order.paid'], filter: { 'data.paid': { $in: [true] } } })).status).toBe(201);
    });

    it('expands wildcards against the catalog: a path of any receivable type is enough', async () => {
      expect((await subscribe(org, { events: ['order.paid', 'order.refunded'], filter: { 'data.reason': 'fraud', 'data.amount': { $gt: 1 } } })).status).toBe(
        201,
      );
      expect(detailsOf(await subscribe(org, { events: ['user.*'], filter: { 'data.reason': 'fraud' } }))).toEqual([
        expect.objectContaining({ field: 'filter.data.reason', message: expect.stringContaining('user.created') }),
      ]);
    });

    it('does not check data paths when a receivable type has no schema', async () => {
      // order.* includes order.noted, which has none: its data may hold anything.
      expect((await subscribe(org, { events: ['order.*'], filter: { 'data.whatever': { $gt: 1 } } })).status).toBe(201);
      expect((await subscribe(org, { events: ['order.noted'], filter: { 'data.whatever': 1 } })).status).toBe(201);
    });

    it('re-checks the stored filter when a PATCH changes events', async () => {
      const { id } = (await subscribe(org, { events: ['order.paid'], filter: { 'data.amount': { $gt: 1 } } })).body;
      expect(detailsOf(await patch(org, id, { events: ['order.refunded'] }))).toEqual([expect.objectContaining({ field: 'filter.data.amount' })]);
      expect((await api.request('GET', `/v1/webhooks/${id}`, { key: org.key })).body.events).toEqual(['order.paid']);
      expect((await patch(org, id, { events: ['order.refunded'], filter: { 'data.reason': 'x' } })).status).toBe(200);
      expect((await patch(org, id, { filter: { 'data.reason': { $startsWith: 'fr' } } })).status).toBe(200);
      expect(detailsOf(await patch(org, id, { filter: { 'data.amount': 1 } }))).toEqual([expect.objectContaining({ field: 'filter.data.amount' })]);
    });
  });

  describe('POST /v1/webhooks/filter-test', () => {
    const event = { event_type: 'order.paid', channel: 'shop:eu', data: { amount: 120, items: [{ sku: 'A-1' }] } };

    it('answers 200 {matches}', async () => {
      expect(await filterTest(stack, { filter: { 'data.amount': { $gt: 100 } }, event })).toEqual(
        expect.objectContaining({ status: 200, body: { matches: true } }),
      );
      expect(await filterTest(stack, { filter: { 'data.amount': { $gt: 200 } }, event })).toEqual(
        expect.objectContaining({ status: 200, body: { matches: false } }),
      );
      expect((await filterTest(stack, { filter: { 'data.items.0.sku': 'A-1', channel: 'shop:eu' }, event })).body).toEqual({ matches: true });
      expect((await filterTest(stack, { filter: { call_id: { $exists: true } }, event })).body).toEqual({ matches: false });
      expect((await filterTest(stack, { filter: { call_id: 'c1' }, event: { ...event, call_id: 'c1' } })).body).toEqual({ matches: true });
      expect((await filterTest(stack, { filter: { workflow_id: 'w1' }, event: { ...event, workflow_id: 'w1' } })).body).toEqual({ matches: true });
    });

    it('gives the same 400s as saving', async () => {
      expect(detailsOf(await filterTest(stack, { filter: { $or: [{ event_type: 'a' }, { 'data.amount': { $in: 5 } }] }, event }))).toEqual([
        { field: 'filter.$or.1.data.amount.$in', message: 'must be an array of values' },
      ]);
      expect(detailsOf(await filterTest(stack, { filter: [], event }))).toEqual([{ field: 'filter', message: expect.any(String) }]);
    });

    it('checks the filter against the schema of the event type, or of `events` when given', async () => {
      const org = await stack.addOrg('filter-test schemas');
      await registerType(org, 'order.paid', {
        type: 'object',
        properties: { amount: { type: 'number' }, paid: { type: 'boolean' } },
        additionalProperties: false,
      });
      await registerType(org, 'order.refunded', { type: 'object', properties: { reason: { type: 'string' } }, additionalProperties: false });
      const sample = { event_type: 'order.paid', data: { amount: 5, paid: true } };
      expect(detailsOf(await filterTest(org, { filter: { 'data.reason': 'x' }, event: sample }))).toEqual([
        expect.objectContaining({ field: 'filter.data.reason' }),
      ]);
      expect(detailsOf(await filterTest(org, { filter: { 'data.paid': { $gt: 0 } }, event: sample }))).toEqual([
        expect.objectContaining({ field: 'filter.data.paid.$gt' }),
      ]);
      expect((await filterTest(org, { filter: { 'data.reason': 'x' }, event: sample, events: ['order.*'] })).body).toEqual({ matches: false });
    });

    it('validates the request itself', async () => {
      expect(detailsOf(await filterTest(stack, { event }))).toEqual([{ field: 'filter', message: 'filter is required' }]);
      expect(detailsOf(await filterTest(stack, { filter: { event_type: 'a' } }))).toEqual([expect.objectContaining({ field: 'event' })]);
      expect(detailsOf(await filterTest(stack, { filter: { event_type: 'a' }, event: { data: {} } }))).toEqual([
        expect.objectContaining({ field: 'event.event_type' }),
      ]);
      expect(detailsOf(await filterTest(stack, { filter: { event_type: 'a' }, event: { event_type: 'a', data: [] } }))).toEqual([
        expect.objectContaining({ field: 'event.data' }),
      ]);
      expect(detailsOf(await filterTest(stack, { filter: { event_type: 'a' }, event, extra: 1 }))).toEqual([expect.objectContaining({ field: 'extra' })]);
      expect(detailsOf(await filterTest(stack, { filter: { event_type: 'a' }, event: { ...event, idempotency_key: 'k' } }))).toEqual([
        expect.objectContaining({ field: 'event.idempotency_key' }),
      ]);
      expect(detailsOf(await filterTest(stack, { filter: { event_type: 'a' }, event: 'order.paid' }))).toEqual([expect.objectContaining({ field: 'event' })]);
    });

    it('reads the sample event exactly as sent', async () => {
      const odd = { event_type: 'order.paid', data: { constructor: { name: 'x' }, prototype: 1 } };
      expect((await filterTest(stack, { filter: { 'data.constructor.name': 'x', 'data.prototype': 1 }, event: odd })).body).toEqual({ matches: true });
    });

    it('needs an API key, and is not taken for a subscription id', async () => {
      expect((await api.request('POST', '/v1/webhooks/filter-test', { body: { filter: { event_type: 'a' }, event } })).status).toBe(401);
      expect((await api.request('GET', '/v1/webhooks/filter-test', { key: stack.key })).status).toBe(404);
    });
  });
});
