import type { Pool } from 'pg';
import type { TestApi } from './support/api';
import { waitFor } from './support/poll';
import type { ReceivedRequest, Receiver } from './support/receiver';
import { startStack, type Stack } from './support/stack';

interface Log {
  id: string;
  event_id: string;
  status: string;
  attempts: number;
  blocked_by: string | null;
}

/** The request's event data ({ key, seq } in these tests). */
const dataOf = (request: ReceivedRequest) => JSON.parse(request.body).data as { key: string; seq: number };

/** Ordered delivery per key with the in-process api and worker: blocking, release, cancel, key choice. */
describe('ordered delivery (ordering: per_key)', () => {
  let stack: Stack;
  let api: TestApi;
  let receiver: Receiver;
  let db: Pool;
  let key: string;
  /** Paths whose requests fail with 500 while listed here. */
  const failing = new Set<string>();

  beforeAll(async () => {
    stack = await startStack({ config: { retryMaxAttempts: 20, retryMaxDelayMs: 200 } });
    ({ api, receiver, db } = stack);
    receiver.respondWith((request, response) => void response.writeHead(failing.has(`${request.path}#${dataOf(request).seq}`) ? 500 : 200).end());
  });

  beforeEach(async () => {
    ({ key } = await stack.addOrg('ordering'));
    failing.clear();
  });

  afterAll(() => stack?.stop());

  const createSubscription = async (body: Record<string, unknown>) => {
    const response = await api.request('POST', '/v1/webhooks', { key, body: { name: 'ordered', events: ['*'], ...body } });
    expect(response.status).toBe(201);
    return response.body as { id: string; ordering: string };
  };
  const publishBatch = async (events: Record<string, unknown>[]) => {
    const response = await api.request('POST', '/v1/events/batch', { key, body: { events } });
    expect(response.status).toBe(202);
    return (response.body.results as { event_id: string }[]).map((result) => result.event_id);
  };
  const logsOf = async (subscriptionId: string): Promise<Log[]> => {
    const { body } = await api.request('GET', `/v1/webhooks/${subscriptionId}/logs?limit=100`, { key });
    return body.logs as Log[];
  };
  /** The logs of these events (in the events' order) once the condition holds for them. */
  const logsWhen = (subscriptionId: string, eventIds: string[], ready: (logs: Log[]) => boolean, what: string): Promise<Log[]> =>
    waitFor<Log[] | null>(
      async () => {
        const byEvent = new Map((await logsOf(subscriptionId)).map((log) => [log.event_id, log]));
        const logs = eventIds.map((id) => byEvent.get(id)).filter((log): log is Log => log !== undefined);
        return logs.length === eventIds.length && ready(logs) ? logs : null;
      },
      { what },
    );
  const seqsAt = (path: string) => receiver.requests.filter((request) => request.path === path).map((request) => dataOf(request).seq);

  it('answers ordering ("none" by default) and keeps ordering_key on the event', async () => {
    const plain = await createSubscription({ url: `${receiver.url}/plain` });
    expect(plain.ordering).toBe('none');
    const ordered = await createSubscription({ url: `${receiver.url}/ordered`, ordering: 'per_key' });
    expect(ordered.ordering).toBe('per_key');
    const listed = await api.request('GET', '/v1/webhooks', { key });
    expect(listed.body.subscriptions.map((subscription: { ordering: string }) => subscription.ordering).sort()).toEqual(['none', 'per_key']);
    const patched = await api.request('PATCH', `/v1/webhooks/${plain.id}`, { key, body: { ordering: 'per_key' } });
    expect(patched.body.ordering).toBe('per_key');

    const bad = await api.request('PATCH', `/v1/webhooks/${plain.id}`, { key, body: { ordering: 'strict' } });
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([expect.objectContaining({ field: 'ordering' })]);

    const published = await api.request('POST', '/v1/events', { key, body: { event_type: 'a.b', data: {}, ordering_key: 'customer/42' } });
    expect(published.status).toBe(202);
    const event = await api.request('GET', `/v1/events/${published.body.event_id}`, { key });
    expect(event.body.ordering_key).toBe('customer/42');
    const without = await api.request('POST', '/v1/events', { key, body: { event_type: 'a.b', data: {} } });
    expect((await api.request('GET', `/v1/events/${without.body.event_id}`, { key })).body).not.toHaveProperty('ordering_key');

    for (const orderingKey of ['a b', 'x'.repeat(256), '', 7]) {
      const refused = await api.request('POST', '/v1/events', { key, body: { event_type: 'a.b', data: {}, ordering_key: orderingKey } });
      expect(refused.status).toBe(400);
      expect(refused.body.details).toEqual([expect.objectContaining({ field: 'ordering_key' })]);
    }
  });

  it('holds a key behind its failing head (blocked_by), lets other keys go, then delivers the key in order', async () => {
    const subscription = await createSubscription({ url: `${receiver.url}/block`, ordering: 'per_key' });
    failing.add('/block#1');
    const [first, second, third, other] = await publishBatch([
      { event_type: 'a.b', data: { key: 'k', seq: 1 }, ordering_key: 'k' },
      { event_type: 'a.b', data: { key: 'k', seq: 2 }, ordering_key: 'k' },
      { event_type: 'a.b', data: { key: 'k', seq: 3 }, ordering_key: 'k' },
      { event_type: 'a.b', data: { key: 'j', seq: 4 }, ordering_key: 'j' },
    ]);
    const waiting = await logsWhen(
      subscription.id,
      [first, second, third, other],
      (logs) => logs[0].attempts >= 2 && logs[3].status === 'delivered',
      'head retried, other key delivered',
    );
    expect(waiting.map((log) => [log.status, log.blocked_by])).toEqual([
      ['retrying', null],
      ['pending', waiting[0].id],
      ['pending', waiting[1].id],
      ['delivered', null],
    ]);
    const detail = await api.request('GET', `/v1/webhooks/logs/${waiting[2].id}`, { key });
    expect(detail.body.blocked_by).toBe(waiting[1].id);
    expect(seqsAt('/block')).not.toContain(2);

    failing.clear();
    const done = await logsWhen(subscription.id, [first, second, third], (logs) => logs.every((log) => log.status === 'delivered'), 'key delivered');
    expect(done.map((log) => log.blocked_by)).toEqual([null, null, null]);
    const keyK = seqsAt('/block').filter((seq) => seq !== 4);
    expect(keyK.filter((seq) => seq !== 1)).toEqual([2, 3]);
    expect(keyK.lastIndexOf(1)).toBeLessThan(keyK.indexOf(2));
  });

  it('lets the next delivery go once the head has failed for good', async () => {
    const subscription = await createSubscription({ url: `${receiver.url}/spent`, ordering: 'per_key', max_attempts: 2 });
    failing.add('/spent#1');
    const ids = await publishBatch([1, 2, 3].map((seq) => ({ event_type: 'a.b', data: { key: 'k', seq }, ordering_key: 'k' })));
    const logs = await logsWhen(subscription.id, ids, (found) => found[2].status === 'delivered', 'last delivered');
    expect(logs.map((log) => log.status)).toEqual(['failed', 'delivered', 'delivered']);
    expect(seqsAt('/spent')).toEqual([1, 1, 2, 3]);
  });

  it('cancels the waiting deliveries when the subscription is deleted', async () => {
    const subscription = await createSubscription({ url: `${receiver.url}/deleted`, ordering: 'per_key' });
    failing.add('/deleted#1');
    const ids = await publishBatch([1, 2, 3].map((seq) => ({ event_type: 'a.b', data: { key: 'k', seq }, ordering_key: 'k' })));
    const before = await logsWhen(subscription.id, ids, (logs) => logs[0].attempts >= 1, 'head attempted');
    expect((await api.request('DELETE', `/v1/webhooks/${subscription.id}`, { key })).status).toBe(204);
    // The deleted webhook's own log listing is gone (404); each log stays readable.
    const cancelled = await waitFor<Log[] | null>(async () => {
      const logs = await Promise.all(before.map(async (log) => (await api.request('GET', `/v1/webhooks/logs/${log.id}`, { key })).body as Log));
      return logs.every((log) => log.status !== 'pending' && log.status !== 'retrying') ? logs : null;
    });
    expect(cancelled.map((log) => [log.status, log.blocked_by])).toEqual([
      ['cancelled', null],
      ['cancelled', null],
      ['cancelled', null],
    ]);
    expect(seqsAt('/deleted')).not.toContain(2);
  });

  it('keys events by ordering_key, else channel, else one key; unordered subscriptions are not chained', async () => {
    const ordered = await createSubscription({ url: `${receiver.url}/keys`, ordering: 'per_key' });
    const plain = await createSubscription({ url: `${receiver.url}/keys-plain` });
    const ids = await publishBatch([
      { event_type: 'a.b', data: { key: 'k', seq: 1 }, ordering_key: 'k', channel: 'c' },
      { event_type: 'a.b', data: { key: 'c', seq: 2 }, channel: 'c' },
      { event_type: 'a.b', data: { key: '', seq: 3 } },
      { event_type: 'a.b', data: { key: '', seq: 4 } },
    ]);
    await logsWhen(ordered.id, ids, (logs) => logs.every((log) => log.status === 'delivered'), 'ordered delivered');
    await logsWhen(plain.id, ids, (logs) => logs.every((log) => log.status === 'delivered'), 'plain delivered');
    const { rows } = await db.query<{ subscription_id: string; event_id: string; ordering_key: string | null }>(
      'SELECT subscription_id, event_id, ordering_key FROM deliveries WHERE event_id = ANY($1)',
      [ids],
    );
    const keyOf = (subscriptionId: string, eventId: string) =>
      rows.find((row) => row.subscription_id === subscriptionId && row.event_id === eventId)?.ordering_key;
    expect(ids.map((id) => keyOf(ordered.id, id))).toEqual(['k', 'c', '', '']);
    expect(ids.map((id) => keyOf(plain.id, id))).toEqual([null, null, null, null]);
  });

  it('chains behind a tail only while it is open', async () => {
    const subscription = await createSubscription({ url: `${receiver.url}/tail`, ordering: 'per_key' });
    const [first] = await publishBatch([{ event_type: 'a.b', data: { key: 'k', seq: 1 }, ordering_key: 'k' }]);
    await logsWhen(subscription.id, [first], (logs) => logs[0].status === 'delivered', 'first delivered');
    const [second] = await publishBatch([{ event_type: 'a.b', data: { key: 'k', seq: 2 }, ordering_key: 'k' }]);
    const [log] = await logsWhen(subscription.id, [second], (logs) => logs[0].status === 'delivered', 'second delivered');
    expect(log.blocked_by).toBeNull();
  });
});
