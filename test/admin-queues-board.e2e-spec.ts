import { QUEUE_BOARD_COOKIE, QueueBoardAccess } from '../apps/api/src/admin-queues/queue-board-access';
import { QUEUE_BOARD_PATH } from '../apps/api/src/admin-queues/setup-queue-board';
import { startApi, type TestApi } from './support/api';
import { ADMIN_TOKEN, testConfig } from './support/config';
import { startStack, type Stack } from './support/stack';
import { waitFor } from './support/poll';

const UNAUTHORIZED = {
  error: 'unauthorized',
  message: 'The queue board needs "Authorization: Bearer <ADMIN_TOKEN>" (in a browser, open /admin/queues?token=<ADMIN_TOKEN> once).',
};

/** Bull Board at /admin/queues over this API's own queues (its own BullMQ prefix), behind ADMIN_TOKEN. */
describe('Queue board at /admin/queues', () => {
  const config = testConfig();
  let stack: Stack;
  let api: TestApi;

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${api.baseUrl}${path}`, { headers, redirect: 'manual' });
  const asAdmin = { authorization: `Bearer ${ADMIN_TOKEN}` };

  async function expectRefused(response: Response): Promise<void> {
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(await response.json()).toEqual(UNAUTHORIZED);
  }

  beforeAll(async () => {
    stack = await startStack({ workers: 0, config });
    ({ api } = stack);
  });

  afterAll(() => stack?.stop());

  it('refuses the page, its assets and its API without the admin token or with a wrong one', async () => {
    for (const path of [QUEUE_BOARD_PATH, `${QUEUE_BOARD_PATH}/`, `${QUEUE_BOARD_PATH}/api/queues`, `${QUEUE_BOARD_PATH}/queue/hookline-deliveries`]) {
      await expectRefused(await get(path));
      await expectRefused(await get(path, { authorization: 'Bearer wrong-token' }));
      await expectRefused(await get(path, { authorization: ADMIN_TOKEN }));
    }
    const { key } = await api.createOrg('queue board outsider').then((org) => ({ key: org.api_key }));
    await expectRefused(await get(QUEUE_BOARD_PATH, { authorization: `Bearer ${key}` }));
  });

  it('serves the dashboard page and its assets with the admin token', async () => {
    const page = await get(QUEUE_BOARD_PATH, asAdmin);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('Hookline queues');
    // The page names its assets relative to <base href>.
    expect(html).toContain(`<base href="${QUEUE_BOARD_PATH}/" />`);
    const assets = [...html.matchAll(/<(?:script[^>]+src|link href)="(static\/[^"]+)"/g)].map((match) => `${QUEUE_BOARD_PATH}/${match[1]}`);
    expect(assets.length).toBeGreaterThan(1);
    for (const asset of assets) {
      expect({ asset, status: (await get(asset, asAdmin)).status }).toEqual({ asset, status: 200 });
      await expectRefused(await get(asset));
    }
  });

  it("shows this API's intake and deliveries queues, with an accepted event waiting on intake", async () => {
    const org = await api.createOrg('queue board');
    const accepted = await api.request('POST', '/v1/events', { key: org.api_key, body: { event_type: 'board.check', data: { n: 1 } } });
    expect(accepted.status).toBe(202);
    // No worker runs in this file: the intake job stays waiting.
    const board = await waitFor(
      async () => {
        const body = (await (await get(`${QUEUE_BOARD_PATH}/api/queues?activeQueue=hookline-intake&status=waiting`, asAdmin)).json()) as {
          queues: { name: string; counts: Record<string, number>; readOnlyMode: boolean; jobs: { id: string; data: { event_id: string } }[] }[];
        };
        return body.queues.find((queue) => queue.name === 'hookline-intake')?.counts.waiting === 1 ? body : undefined;
      },
      { what: 'the intake job on the board' },
    );
    expect(board.queues.map((queue) => queue.name).sort()).toEqual(['hookline-deliveries', 'hookline-intake']);
    expect(board.queues.every((queue) => queue.readOnlyMode)).toBe(true);
    const intake = board.queues.find((queue) => queue.name === 'hookline-intake')!;
    expect(intake.jobs.map((job) => job.data.event_id)).toEqual([accepted.body.event_id]);
  });

  it('is read-only: pausing or cleaning a queue through the board is refused', async () => {
    const pause = await fetch(`${api.baseUrl}${QUEUE_BOARD_PATH}/api/queues/hookline-intake/pause`, { method: 'PUT', headers: asAdmin });
    expect(pause.status).toBe(405);
    const clean = await fetch(`${api.baseUrl}${QUEUE_BOARD_PATH}/api/queues/hookline-intake/clean/waiting`, { method: 'PUT', headers: asAdmin });
    expect(clean.status).toBe(405);
    const body = (await (await get(`${QUEUE_BOARD_PATH}/api/queues`, asAdmin)).json()) as { queues: { name: string; isPaused: boolean }[] };
    expect(body.queues.find((queue) => queue.name === 'hookline-intake')?.isPaused).toBe(false);
  });

  describe('browser session', () => {
    it('trades ?token=<ADMIN_TOKEN> for an HttpOnly cookie and a redirect that drops the token', async () => {
      const login = await get(`${QUEUE_BOARD_PATH}?token=${encodeURIComponent(ADMIN_TOKEN)}`);
      expect(login.status).toBe(303);
      expect(login.headers.get('location')).toBe(QUEUE_BOARD_PATH);
      const cookie = login.headers.get('set-cookie')!;
      expect(cookie).toMatch(new RegExp(`^${QUEUE_BOARD_COOKIE}=\\d+\\.[A-Za-z0-9_-]{43}; `));
      expect(cookie).toContain(`Path=${QUEUE_BOARD_PATH}`);
      expect(cookie).toContain('HttpOnly');
      expect(cookie).toContain('SameSite=Strict');
      expect(cookie).not.toContain(ADMIN_TOKEN);

      const session = cookie.split(';', 1)[0];
      expect((await get(QUEUE_BOARD_PATH, { cookie: session })).status).toBe(200);
      expect((await get(`${QUEUE_BOARD_PATH}/api/queues`, { cookie: `other=1; ${session}` })).status).toBe(200);
    });

    it('marks the cookie Secure behind an https proxy', async () => {
      const login = await get(`${QUEUE_BOARD_PATH}?token=${encodeURIComponent(ADMIN_TOKEN)}`, { 'x-forwarded-proto': 'https' });
      expect(login.status).toBe(303);
      expect(login.headers.get('set-cookie')).toMatch(/; Secure$/);
    });

    it('refuses a wrong ?token=, a forged or expired cookie, and a cookie made with another admin token', async () => {
      await expectRefused(await get(`${QUEUE_BOARD_PATH}?token=wrong`));
      await expectRefused(await get(`${QUEUE_BOARD_PATH}?token=`));
      const valid = new QueueBoardAccess(ADMIN_TOKEN, QUEUE_BOARD_PATH).sessionCookie(false).split(';', 1)[0];
      const [name, value] = valid.split('=');
      const [expires, signature] = value.split('.');
      const forged = `${name}=${Number(expires) + 3600}.${signature}`;
      const expired = new QueueBoardAccess(ADMIN_TOKEN, QUEUE_BOARD_PATH).sessionCookie(false, Date.now() - 9 * 3600 * 1000).split(';', 1)[0];
      const otherToken = new QueueBoardAccess('another-admin-token', QUEUE_BOARD_PATH).sessionCookie(false).split(';', 1)[0];
      for (const cookie of [forged, expired, otherToken, `${name}=${ADMIN_TOKEN}`, `${name}=`]) {
        await expectRefused(await get(QUEUE_BOARD_PATH, { cookie }));
      }
      expect((await get(QUEUE_BOARD_PATH, { cookie: valid })).status).toBe(200);
    });
  });

  it('stays closed when ADMIN_TOKEN is not set', async () => {
    const closed = await startApi({ ...config, adminToken: undefined });
    try {
      const response = await fetch(`${closed.baseUrl}${QUEUE_BOARD_PATH}`, { headers: { authorization: 'Bearer undefined' } });
      await expectRefused(response);
      await expectRefused(await fetch(`${closed.baseUrl}${QUEUE_BOARD_PATH}?token=`, { redirect: 'manual' }));
    } finally {
      await closed.close();
    }
  });
});
