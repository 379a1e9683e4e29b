import type { TestApi } from './support/api';
import { waitFor } from './support/poll';
import { startStack, type Stack } from './support/stack';

/**
 * Payload filters at fan-out: each case is a subscription with one filter; three events go out and
 * each must reach exactly the subscriptions whose filter it matches. A non-matching event gets no
 * delivery at all (no log row), and POST /v1/webhooks/filter-test agrees with every outcome.
 */
const EVENTS = {
  a: {
    event_type: 'order.paid',
    channel: 'shop:eu',
    call_id: 'call_1',
    data: { amount: 120, currency: 'EUR', paid: true, code: '5', note: null, customer: { tier: 'gold' }, items: [{ sku: 'PRO-1' }], tags: ['vip'] },
  },
  b: { event_type: 'order.refunded', workflow_id: 'wf_9', data: { amount: '120', currency: 'USD', paid: false, code: 5, items: [] } },
  c: { event_type: 'order.paid', channel: 'shop:us', data: { amount: 50, currency: 'GBP', customer: { tier: 'silver' } } },
} as const;
type EventName = keyof typeof EVENTS;

/** [case, filter, the events it matches] */
const CASES: Array<[string, Record<string, unknown>, EventName[]]> = [
  ['literal', { 'data.currency': 'EUR' }, ['a']],
  ['eq-number', { 'data.amount': { $eq: 120 } }, ['a']],
  ['eq-string-not-number', { 'data.amount': '120' }, ['b']],
  ['eq-bool-not-number', { 'data.paid': 1 }, []],
  ['ne', { 'data.currency': { $ne: 'EUR' } }, ['b', 'c']],
  ['gt', { 'data.amount': { $gt: 100 } }, ['a']],
  ['gte', { 'data.amount': { $gte: 50 } }, ['a', 'c']],
  ['lt', { 'data.amount': { $lt: 100 } }, ['c']],
  ['lte', { 'data.amount': { $lte: 50 } }, ['c']],
  ['gt-string', { 'data.currency': { $gt: 'EUR' } }, ['b', 'c']],
  ['lt-number-not-string', { 'data.code': { $lt: 10 } }, ['b']],
  ['in', { 'data.currency': { $in: ['EUR', 'GBP'] } }, ['a', 'c']],
  ['nin', { 'data.currency': { $nin: ['EUR', 'GBP'] } }, ['b']],
  ['exists', { 'data.note': { $exists: true } }, ['a']],
  ['not-exists', { 'data.customer': { $exists: false } }, ['b']],
  ['starts-with', { channel: { $startsWith: 'shop:' } }, ['a', 'c']],
  ['array-index', { 'data.items.0.sku': { $startsWith: 'PRO-' } }, ['a']],
  ['whole-array', { 'data.tags': ['vip'] }, ['a']],
  ['call-id', { call_id: 'call_1' }, ['a']],
  ['workflow-id', { workflow_id: { $exists: true } }, ['b']],
  ['event-type', { event_type: 'order.refunded' }, ['b']],
  ['and', { $and: [{ 'data.paid': true }, { 'data.customer.tier': 'gold' }] }, ['a']],
  ['or', { $or: [{ 'data.code': 5 }, { 'data.customer.tier': 'silver' }] }, ['b', 'c']],
  ['not', { $not: { 'data.currency': 'EUR' } }, ['b', 'c']],
  ['nested', { $or: [{ $and: [{ event_type: 'order.paid' }, { $not: { 'data.amount': { $lt: 100 } } }] }, { workflow_id: 'wf_9' }] }, ['a', 'b']],
];

describe('payload filters at fan-out', () => {
  let stack: Stack;
  let api: TestApi;
  let sentinelId: string;
  const subscriptionIds = new Map<string, string>();
  const eventIds = new Map<EventName, string>();

  const deliveriesOf = async (eventId: string): Promise<Array<{ webhook_id: string }>> =>
    (await api.request('GET', `/v1/events/${eventId}`, { key: stack.key })).body.deliveries;
  /** Fan-out creates every delivery of an event at once: once the sentinel's exists, all do. */
  const fannedOut = (eventId: string) =>
    waitFor(
      async () => {
        const deliveries = await deliveriesOf(eventId);
        return deliveries.some((delivery) => delivery.webhook_id === sentinelId) && deliveries;
      },
      { what: `fan-out of ${eventId}` },
    ) as Promise<Array<{ webhook_id: string }>>;

  beforeAll(async () => {
    stack = await startStack({ orgName: 'payload filters' });
    api = stack.api;
    sentinelId = (await stack.createSubscription({ name: 'sentinel', url: `${stack.receiver.url}/sentinel` })).id;
    for (const [name, filter] of CASES) {
      const created = await stack.createSubscription({ name, url: `${stack.receiver.url}/${name}`, events: ['order.*'], filter });
      expect(created.filter).toEqual(filter);
      subscriptionIds.set(name, created.id);
    }
    for (const [name, event] of Object.entries(EVENTS)) eventIds.set(name as EventName, await stack.publish(event));
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('creates deliveries (and log rows) only for the subscriptions whose filter matches', async () => {
    for (const [name, eventId] of eventIds) {
      const deliveries = await fannedOut(eventId);
      const expected = CASES.filter(([, , matches]) => matches.includes(name)).map(([caseName]) => subscriptionIds.get(caseName));
      expect({ event: name, webhooks: deliveries.map((d) => d.webhook_id).sort() }).toEqual({ event: name, webhooks: [sentinelId, ...expected].sort() });
    }
    const logs = await api.request('GET', '/v1/webhooks/logs/all?limit=200', { key: stack.key });
    const expectedRows = 3 + CASES.reduce((sum, [, , matches]) => sum + matches.length, 0);
    expect(logs.body.total).toBe(expectedRows);
  });

  it('delivers the matched events to the receiver', async () => {
    const expectedRequests = 3 + CASES.reduce((sum, [, , matches]) => sum + matches.length, 0);
    await waitFor(() => stack.receiver.requests.length >= expectedRequests, { what: `${expectedRequests} requests` });
    for (const [name, , matches] of CASES) {
      const received = stack.requestsTo(`/${name}`).map((request) => JSON.parse(request.body).event_id);
      expect({ name, received: received.sort() }).toEqual({ name, received: matches.map((event) => eventIds.get(event)).sort() });
    }
  });

  it('filter-test answers what fan-out did, for every case and event', async () => {
    for (const [name, filter, matches] of CASES) {
      for (const [eventName, event] of Object.entries(EVENTS)) {
        const response = await api.request('POST', '/v1/webhooks/filter-test', { key: stack.key, body: { filter, event } });
        expect({ name, eventName, status: response.status, body: response.body }).toEqual({
          name,
          eventName,
          status: 200,
          body: { matches: matches.includes(eventName as EventName) },
        });
      }
    }
  });

  it('sends test events to a filtering subscription whatever its filter', async () => {
    const id = subscriptionIds.get('eq-bool-not-number')!;
    const sent = await api.request('POST', `/v1/webhooks/${id}/test`, { key: stack.key });
    expect(sent.status).toBe(202);
    await waitFor(() => stack.requestsTo('/eq-bool-not-number').length === 1, { what: 'the test event' });
    expect(JSON.parse(stack.requestsTo('/eq-bool-not-number')[0].body).event_type).toBe('webhook.test');
  });

  it('applies an edited filter to the next event, and none once cleared', async () => {
    const id = subscriptionIds.get('literal')!;
    const path = `/v1/webhooks/${id}`;
    const edited = await api.request('PATCH', path, { key: stack.key, body: { filter: { 'data.currency': 'USD' } } });
    expect(edited.status).toBe(200);
    const usd = await stack.publish(EVENTS.b);
    const eur = await stack.publish(EVENTS.a);
    expect((await fannedOut(usd)).map((d) => d.webhook_id)).toContain(id);
    expect((await fannedOut(eur)).map((d) => d.webhook_id)).not.toContain(id);

    const cleared = await api.request('PATCH', path, { key: stack.key, body: { filter: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body.filter).toBeNull();
    const after = await stack.publish(EVENTS.c);
    expect((await fannedOut(after)).map((d) => d.webhook_id)).toContain(id);
  });
});
