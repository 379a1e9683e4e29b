import type { PortalSessionResponseDto } from '../apps/api/src/portal/portal-session.dto';
import type { Browser, Page } from 'playwright-core';
import { docsScreenshot, launchBrowser, requireUiBuild, seriousA11yViolations, watchConsole } from './support/browser';
import { testConfig } from './support/config';
import { useStack } from './support/stack';

const SEEN_MS = 20_000;

/**
 * The tenant portal in a real Chromium, opened from portal session URLs made over the API: what a
 * tenant sees and may do, and what an expired, revoked or read-only session shows.
 */
describe('ui: tenant portal (/portal)', () => {
  const config = testConfig();
  const stack = useStack({ config, orgName: 'ui portal' });
  let browser: Browser;
  const opened: Page[] = [];

  const createSession = async (body: Record<string, unknown>): Promise<PortalSessionResponseDto> => {
    const { status, body: session } = await stack.api.request('POST', '/v1/portal/sessions', { key: stack.key, body });
    expect(status).toBe(201);
    return session;
  };
  const createEndpoint = async (body: Record<string, unknown>) => {
    const { status, body: endpoint } = await stack.api.request('POST', '/v1/webhooks', { key: stack.key, body });
    expect(status).toBe(201);
    return endpoint;
  };

  /** Opens a session URL in a new tab (its own sessionStorage), on the test api's address. */
  const openPortal = async (session: PortalSessionResponseDto): Promise<{ page: Page; problems: string[]; apiWrites: string[] }> => {
    const url = new URL(session.url);
    expect(`${url.pathname}${url.hash}`).toBe(`/portal#token=${session.token}`);
    const page = await browser.newPage({ viewport: { width: 1100, height: 860 } });
    page.setDefaultTimeout(SEEN_MS);
    opened.push(page);
    const problems = watchConsole(page);
    const apiWrites: string[] = [];
    page.on('request', (request) => {
      if (request.method() !== 'GET' && new URL(request.url()).pathname.startsWith('/v1/')) apiWrites.push(`${request.method()} ${request.url()}`);
    });
    await page.goto(`${stack.api.baseUrl}${url.pathname}${url.hash}`);
    return { page, problems, apiWrites };
  };
  const endpointsList = (page: Page) => page.getByRole('list', { name: 'Endpoints' });
  const expectAccessible = async (page: Page, what: string) => {
    expect({ what, violations: await seriousA11yViolations(page) }).toEqual({ what, violations: [] });
  };

  beforeAll(async () => {
    requireUiBuild();
    await stack.api.request('POST', '/v1/event-types', {
      key: stack.key,
      body: {
        name: 'order.paid',
        description: 'An order was paid in full.',
        schema: { type: 'object', required: ['order_id'], properties: { order_id: { type: 'string', examples: ['ord_123'] }, amount: { type: 'integer' } } },
      },
    });
    await createEndpoint({ name: 'Acme existing', url: `${stack.receiver.url}/acme`, events: ['order.*'], channels: ['acme'] });
    await createEndpoint({ name: 'Globex private', url: `${stack.receiver.url}/globex`, events: ['order.*'], channels: ['globex'] });
    await createEndpoint({ name: 'Organization-wide', url: `${stack.receiver.url}/all`, events: ['*'] });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("opens from the session URL and shows the tenant's endpoints only", async () => {
    const session = await createSession({ tenant: 'acme' });
    const { page, problems, apiWrites } = await openPortal(session);
    await endpointsList(page).getByRole('link', { name: 'Acme existing' }).waitFor();
    expect(await endpointsList(page).getByRole('link').allTextContents()).toEqual(['Acme existing']);
    // The top bar names the tenant and the expiry, read from GET /v1/portal/session (opening writes nothing).
    const summary = page.getByLabel('Portal session');
    expect(await summary.textContent()).toContain('acme');
    expect(await summary.locator('time').getAttribute('datetime')).toBe(session.expires_at);
    expect(await summary.getByText('read-only').count()).toBe(0);
    expect(apiWrites).toEqual([]);
    // The token leaves the address bar at once (it stays in this tab's sessionStorage).
    expect(page.url()).not.toContain(session.token);
    await expectAccessible(page, 'portal endpoints');
    expect(problems).toEqual([]);
  });

  it("creates an endpoint through the form; it gets the tenant's channel", async () => {
    const { page } = await openPortal(await createSession({ tenant: 'acme' }));
    await page.getByLabel('URL', { exact: true }).fill(`${stack.receiver.url}/acme-new`);
    await page.getByLabel('Events').fill('order.paid');
    await page.getByLabel('Events').press('Enter');
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    // Without a name the URL names the endpoint (the form asks for URL and events only).
    await endpointsList(page)
      .getByRole('link', { name: `${stack.receiver.url}/acme-new` })
      .waitFor();

    const { body } = await stack.api.request('GET', '/v1/webhooks', { key: stack.key });
    const created = body.subscriptions.find((endpoint: { url: string }) => endpoint.url === `${stack.receiver.url}/acme-new`);
    expect(created).toMatchObject({ events: ['order.paid'], channels: ['acme'] });
  });

  it("shows the tenant's deliveries in Logs, and the event catalog with schema and example", async () => {
    const { page, problems } = await openPortal(await createSession({ tenant: 'acme' }));
    await page.getByRole('link', { name: 'Logs', exact: true }).click();
    await stack.api.request('POST', '/v1/events', { key: stack.key, body: { event_type: 'order.paid', channel: 'acme', data: { order_id: 'ord_acme' } } });
    await stack.api.request('POST', '/v1/events', { key: stack.key, body: { event_type: 'order.paid', channel: 'globex', data: { order_id: 'ord_globex' } } });
    const rows = page.getByRole('row').filter({ hasText: 'order.paid' });
    await rows
      .filter({ hasText: `${stack.receiver.url}/acme-new` })
      .getByText('delivered')
      .waitFor();
    await rows
      .filter({ hasText: `${stack.receiver.url}/acme` })
      .first()
      .waitFor();
    expect(await page.getByRole('row').filter({ hasText: '/globex' }).count()).toBe(0);
    expect(await page.getByRole('row').filter({ hasText: '/all' }).count()).toBe(0);
    await expectAccessible(page, 'portal logs');

    await page.getByRole('link', { name: 'Event catalog' }).click();
    await page.getByText('An order was paid in full.').waitFor();
    await page.getByLabel('Example payload of order.paid').getByText('"ord_123"').waitFor();
    await expectAccessible(page, 'portal catalog');
    await docsScreenshot(page, 'portal.png');
    expect(problems).toEqual([]);
  });

  it('shows no write controls to a read-only session, whose writes the API refuses', async () => {
    const session = await createSession({ tenant: 'acme', read_only: true });
    const { page, apiWrites } = await openPortal(session);
    await endpointsList(page).getByRole('link', { name: 'Acme existing' }).waitFor();
    await page.getByLabel('Portal session').getByText('read-only').waitFor();
    expect(await page.getByRole('button', { name: 'Create endpoint' }).count()).toBe(0);
    expect(await page.getByLabel('URL', { exact: true }).count()).toBe(0);

    await endpointsList(page).getByRole('link', { name: 'Acme existing' }).click();
    await page.getByRole('heading', { name: 'Recent deliveries' }).waitFor();
    for (const name of ['Edit', 'Disable', 'Delete', 'Send test event', 'Rotate secret', 'Recover']) {
      expect({ name, count: await page.getByRole('button', { name, exact: true }).count() }).toEqual({ name, count: 0 });
    }
    await expectAccessible(page, 'portal read-only endpoint');

    const refused = await stack.api.request('POST', '/v1/webhooks', {
      key: session.token,
      body: { name: 'x', url: `${stack.receiver.url}/x`, events: ['order.paid'] },
    });
    expect(refused.status).toBe(403);
    expect(apiWrites).toEqual([]);
  });

  it('says so when the session has expired', async () => {
    const session = await createSession({ tenant: 'acme' });
    await stack.db.query(`UPDATE portal_sessions SET expires_at = now() - interval '1 minute' WHERE id = $1`, [session.id]);
    const { page } = await openPortal(session);
    await page.getByRole('heading', { name: /expired/i }).waitFor();
    await expectAccessible(page, 'portal expired');
  });

  it('says so when the session is revoked while open', async () => {
    const session = await createSession({ tenant: 'acme' });
    const { page } = await openPortal(session);
    await endpointsList(page).getByRole('link', { name: 'Acme existing' }).waitFor();
    expect((await stack.api.request('DELETE', `/v1/portal/sessions/${session.id}`, { key: stack.key })).status).toBe(204);
    // Any request of the open page may meet the revocation first and replace the pages (nav
    // included), so move on through the URL rather than by clicking a link that may be gone.
    await page.evaluate(() => (window.location.hash = '#/logs'));
    await page.getByRole('heading', { name: /revoked/i }).waitFor();
  });
});
