import { testConfig } from './support/config';
import { waitFor } from './support/poll';
import { useStack, type OrgClient } from './support/stack';

const DAY_MS = 24 * 3600_000;

interface Row {
  id: string;
  status: string;
  attempts: number;
  created_at: Date;
}

/** POST /v1/webhooks/:id/recover {since, until?}: replays a subscription's failed deliveries of a window. */
describe('failing endpoints: recover', () => {
  const config = testConfig();
  const stack = useStack({ config });
  const broken = new Set<string>();

  beforeAll(async () => {
    stack.receiver.respondWith((request, response) => void response.writeHead(broken.has(request.path) ? 500 : 200).end());
  });

  const createSubscription = async (org: OrgClient, path: string, body: Record<string, unknown> = {}) =>
    (await org.createSubscription({ name: path, url: `${stack.receiver.url}${path}`, events: ['*'], max_attempts: 1, ...body })).id;
  const publish = (org: OrgClient, n: number) => org.publish({ event_type: 'order.created', data: { n } });
  const rowsOf = async (subscriptionId: string) =>
    (await stack.db.query('SELECT id, status, attempts, created_at FROM deliveries WHERE subscription_id = $1 ORDER BY created_at, id', [subscriptionId]))
      .rows as Row[];
  const settled = (subscriptionId: string, count: number, done: (rows: Row[]) => boolean, what: string) =>
    waitFor(
      async () => {
        const rows = await rowsOf(subscriptionId);
        return rows.length === count && done(rows) ? rows : undefined;
      },
      { what },
    );
  const recover = (key: string, subscriptionId: string, body: unknown) => stack.api.request('POST', `/v1/webhooks/${subscriptionId}/recover`, { key, body });

  it('re-enqueues the failed deliveries created within [since, until], both ends inclusive, as attempt n+1', async () => {
    const org = await stack.addOrg('recover');
    const { key } = org;
    broken.add('/a').add('/b');
    const target = await createSubscription(org, '/a');
    const other = await createSubscription(org, '/b');
    for (let n = 1; n <= 4; n++) await publish(org, n);
    const failed = await settled(target, 4, (rows) => rows.every((row) => row.status === 'failed'), 'four failed deliveries');
    await settled(other, 4, (rows) => rows.every((row) => row.status === 'failed'), "the other subscription's failures");

    // The endpoint is fixed; replay the 2nd and 3rd exactly by their creation times.
    broken.delete('/a');
    const window = { since: failed[1].created_at.toISOString(), until: failed[2].created_at.toISOString() };
    const first = await recover(key, target, window);
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ recovered: 2 });
    const afterFirst = await settled(target, 4, (rows) => rows[1].status === 'delivered' && rows[2].status === 'delivered', 'the recovered deliveries');
    expect(afterFirst.map((row) => [row.status, row.attempts])).toEqual([
      ['failed', 1],
      ['delivered', 2],
      ['delivered', 2],
      ['failed', 1],
    ]);
    const detail = (await stack.api.request('GET', `/v1/webhooks/logs/${failed[1].id}`, { key })).body;
    expect(detail.attempts_detail.map((attempt: { attempt: number; request_status: string }) => [attempt.attempt, attempt.request_status])).toEqual([
      [1, 'error'],
      [2, 'success'],
    ]);

    // until defaults to now; what is no longer failed is not counted again.
    const second = await recover(key, target, { since: new Date(failed[0].created_at.getTime() - 60_000).toISOString() });
    expect(second.body).toEqual({ recovered: 2 });
    await settled(target, 4, (rows) => rows.every((row) => row.status === 'delivered'), 'every delivery delivered');
    const again = await recover(key, target, { since: new Date(Date.now() - DAY_MS).toISOString() });
    expect(again.body).toEqual({ recovered: 0 });

    // Only that subscription's deliveries were touched.
    expect((await rowsOf(other)).map((row) => row.status)).toEqual(['failed', 'failed', 'failed', 'failed']);
    expect(stack.receiver.requests.filter((request) => request.path === '/a')).toHaveLength(8);
  });

  it('answers 400 for a missing, malformed, reversed or longer than 14 days window', async () => {
    const org = await stack.addOrg('recover validation');
    const { key } = org;
    const id = await createSubscription(org, '/validation');
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    const cases: [string, unknown][] = [
      ['no body', undefined],
      ['since missing', {}],
      ['since not ISO', { since: 'yesterday' }],
      ['since a number', { since: now }],
      ['since an impossible date', { since: '2025-02-30T00:00:00Z' }],
      ['until malformed', { since: iso(now - 1000), until: '31/01/2025' }],
      ['until null', { since: iso(now - 1000), until: null }],
      ['since after until', { since: iso(now - 1000), until: iso(now - 2000) }],
      ['since in the future (until defaults to now)', { since: iso(now + 3600_000) }],
      ['window over 14 days', { since: iso(now - 14 * DAY_MS - 1), until: iso(now) }],
      ['since 15 days ago, until left out', { since: iso(now - 15 * DAY_MS) }],
      ['an unknown field', { since: iso(now - 1000), status: 'failed' }],
    ];
    for (const [what, body] of cases) {
      const response = await recover(key, id, body);
      expect({ what, status: response.status, error: response.body?.error }).toEqual({ what, status: 400, error: 'validation_failed' });
      expect(typeof response.body.message).toBe('string');
    }
    // Exactly 14 days is allowed.
    const edge = await recover(key, id, { since: iso(now - 14 * DAY_MS), until: iso(now) });
    expect(edge.status).toBe(202);
    expect(edge.body).toEqual({ recovered: 0 });
  });

  it("answers 404 for another organization's webhook, a channel webhook, a deleted or unknown id, and 409 for an inactive one", async () => {
    const org = await stack.addOrg('recover owner');
    const { key } = org;
    const { api_key: strangerKey } = await stack.api.createOrg('recover stranger');
    const body = { since: new Date(Date.now() - DAY_MS).toISOString() };
    const mine = await createSubscription(org, '/mine');

    const stranger = await recover(strangerKey, mine, body);
    expect(stranger.status).toBe(404);
    expect(stranger.body).toMatchObject({ error: 'not_found' });

    expect((await stack.api.request('PUT', '/v1/channels/recover-channel/webhook', { key, body: { url: `${stack.receiver.url}/channel` } })).status).toBe(200);
    const channelWebhook = (await stack.db.query(`SELECT id FROM subscriptions WHERE kind = 'channel' AND channel = 'recover-channel'`)).rows[0].id as string;
    expect((await recover(key, channelWebhook, body)).status).toBe(404);
    expect((await recover(key, 'sub_does_not_exist', body)).status).toBe(404);

    const deleted = await createSubscription(org, '/deleted');
    expect((await stack.api.request('DELETE', `/v1/webhooks/${deleted}`, { key })).status).toBe(204);
    expect((await recover(key, deleted, body)).status).toBe(404);

    const inactive = await createSubscription(org, '/inactive', { is_active: false });
    const conflict = await recover(key, inactive, body);
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ error: 'conflict' });

    expect((await recover(key, mine, body)).status).toBe(202);
    expect((await stack.api.request('POST', `/v1/webhooks/${mine}/recover`, { body })).status).toBe(401);
  });
});
