import { expectValidationFailed } from './support/api';
import { PrismaService } from '@app/database';
import { newId } from '@app/domain/ids';
import { startStack, type OrgClient, type Stack } from './support/stack';

const TENANT = 'customer:stats';
const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
const BASE = Date.parse('2026-01-01T10:00:00.000Z');
/** A time `minutes` after 10:00 on the test's day. */
const at = (minutes: number) => new Date(BASE + minutes * 60_000);
const iso = (minutes: number) => at(minutes).toISOString();

/**
 * GET /v1/stats/deliveries on known rows: deliveries count in the bucket they were created in, by
 * their current status; attempts (and their duration percentiles) in the bucket they started in.
 */
describe('GET /v1/stats/deliveries', () => {
  let stack: Stack;
  let prisma: PrismaService;
  let orgA: OrgClient;
  let orgB: OrgClient;
  let tenantToken: string;

  const createSubscription = async (org: OrgClient, channels?: string[]) => (await org.createSubscription({ name: 'stats', ...(channels && { channels }) })).id;

  /** A delivery created at `createdAt` with its attempts: [start, duration ms]. */
  const insertDelivery = async (org: OrgClient, subscriptionId: string, status: string, createdAt: Date, attempts: [Date, number][] = []) => {
    const eventId = newId('evt');
    await prisma.event.create({ data: { id: eventId, organizationId: org.id, eventType: 'order.paid', data: {}, createdAt } });
    const deliveryId = newId('dlv');
    await prisma.delivery.create({
      data: { id: deliveryId, organizationId: org.id, eventId, subscriptionId, eventType: 'order.paid', status, attempts: attempts.length, createdAt },
    });
    await prisma.deliveryAttempt.createMany({
      data: attempts.map(([startedAt, durationMs], index) => ({
        id: newId('att'),
        deliveryId,
        subscriptionId,
        attempt: index + 1,
        url: 'https://receiver.example.com/hook',
        startedAt,
        durationMs,
        success: status === 'delivered',
      })),
    });
  };

  const stats = (key: string, query: string) => stack.api.request('GET', `/v1/stats/deliveries${query}`, { key });

  beforeAll(async () => {
    stack = await startStack({ workers: 0, orgName: 'Stats A' });
    prisma = stack.api.app.get(PrismaService);
    orgA = stack;
    orgB = await stack.addOrg('Stats B');
    const tenantSub = await createSubscription(orgA, [TENANT]);
    const orgWideSub = await createSubscription(orgA);
    const otherOrgSub = await createSubscription(orgB, [TENANT]);

    // 10:00 bucket. The tenant's endpoint: 2 delivered, 1 failed, 1 retrying, 1 pending, 1 cancelled (not counted).
    await insertDelivery(orgA, tenantSub, 'delivered', at(5), [[at(5), 10]]);
    await insertDelivery(orgA, tenantSub, 'delivered', at(10), [[at(10), 20]]);
    await insertDelivery(orgA, tenantSub, 'failed', at(20), [
      [at(20), 30],
      [at(25), 40],
    ]);
    await insertDelivery(orgA, tenantSub, 'retrying', at(30));
    await insertDelivery(orgA, tenantSub, 'pending', at(40));
    await insertDelivery(orgA, tenantSub, 'cancelled', at(50));
    // The org-wide endpoint: one delivered in the 10:00 bucket whose attempts fall in 10:00 and 11:00.
    await insertDelivery(orgA, orgWideSub, 'delivered', at(15), [
      [at(15), 1000],
      [at(60), 500],
    ]);
    // Created exactly on a bucket boundary: counts in the later bucket.
    await insertDelivery(orgA, orgWideSub, 'failed', at(60));
    // Before since and at until: outside [since, until).
    await insertDelivery(orgA, tenantSub, 'delivered', new Date(BASE - 1), [[new Date(BASE - 1), 7]]);
    await insertDelivery(orgA, tenantSub, 'delivered', at(150), [[at(150), 7]]);
    // Last millisecond of the window.
    await insertDelivery(orgA, tenantSub, 'delivered', new Date(at(150).getTime() - 1));
    // Another organization, same tenant name: never counted.
    await insertDelivery(orgB, otherOrgSub, 'delivered', at(5), [[at(5), 5]]);

    const session = await stack.api.request('POST', '/v1/portal/sessions', { key: orgA.key, body: { tenant: TENANT } });
    expect(session.status).toBe(201);
    tenantToken = session.body.token;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const bucket = (minutes: number, counts: Partial<Record<string, number | null>> = {}) => ({
    start: iso(minutes),
    delivered: 0,
    failed: 0,
    retrying: 0,
    attempts: 0,
    p50_ms: null,
    p95_ms: null,
    ...counts,
  });

  it("counts the organization's deliveries by status and its attempts per hour", async () => {
    const response = await stats(orgA.key, `?since=${iso(0)}&until=${iso(150)}&bucket=hour`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      buckets: [
        // Attempt durations 10, 20, 30, 40, 1000: median 30; p95 interpolates 40 + 0.8 × 960.
        bucket(0, { delivered: 3, failed: 1, retrying: 2, attempts: 5, p50_ms: 30, p95_ms: 808 }),
        bucket(60, { failed: 1, attempts: 1, p50_ms: 500, p95_ms: 500 }),
        bucket(120, { delivered: 1 }),
      ],
    });
  });

  it("counts only the tenant's endpoints for a portal token", async () => {
    const response = await stats(tenantToken, `?since=${iso(0)}&until=${iso(150)}&bucket=hour`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      buckets: [
        // Durations 10, 20, 30, 40: median 25; p95 interpolates 30 + 0.85 × 10.
        bucket(0, { delivered: 2, failed: 1, retrying: 2, attempts: 4, p50_ms: 25, p95_ms: 38.5 }),
        bucket(60),
        bucket(120, { delivered: 1 }),
      ],
    });
  });

  it('buckets by minute, the first bucket starting at the minute of since', async () => {
    const response = await stats(orgA.key, `?since=${new Date(at(4).getTime() + 30_000).toISOString()}&until=${iso(6)}&bucket=minute`);
    expect(response.status).toBe(200);
    expect(response.body.buckets).toEqual([bucket(4), bucket(5, { delivered: 1, attempts: 1, p50_ms: 10, p95_ms: 10 })]);
  });

  it('defaults to the last 24 hours in hour buckets', async () => {
    const before = Date.now();
    const response = await stats(orgA.key, '');
    expect(response.status).toBe(200);
    const starts = response.body.buckets.map((b: { start: string }) => Date.parse(b.start));
    expect(starts.length === 24 || starts.length === 25).toBe(true);
    expect(starts.every((start: number) => start % HOUR_MS === 0)).toBe(true);
    expect(starts[0]).toBeLessThanOrEqual(before - DAY_MS);
    expect(starts[0]).toBeGreaterThan(before - DAY_MS - HOUR_MS);
    expect(starts.at(-1)).toBeLessThanOrEqual(Date.now());
  });

  it('accepts a window of exactly 7 days', async () => {
    const response = await stats(orgA.key, `?since=${iso(0)}&until=${new Date(BASE + 7 * DAY_MS).toISOString()}`);
    expect(response.status).toBe(200);
    expect(response.body.buckets).toHaveLength(7 * 24);
  });

  it.each([
    ['a window over 7 days', `?since=${iso(0)}&until=${new Date(BASE + 7 * DAY_MS + 1).toISOString()}`, 'since'],
    ['since after until', `?since=${iso(60)}&until=${iso(0)}`, 'until'],
    ['since in the future without until', `?since=${new Date(Date.now() + DAY_MS).toISOString()}`, 'since'],
    ['a malformed since', '?since=yesterday', 'since'],
    ['a malformed until', '?until=2026-13-01T00:00:00Z', 'until'],
    ['an unknown bucket', '?bucket=day', 'bucket'],
  ])('answers 400 with details for %s', async (_, query, field) => {
    const response = await stats(orgA.key, query);
    expectValidationFailed(response, field);
  });

  it('needs a credential', async () => {
    expect((await stack.api.request('GET', '/v1/stats/deliveries')).status).toBe(401);
  });
});
