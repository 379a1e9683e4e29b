import type { Browser, BrowserContext, Page } from 'playwright-core';
import { docsScreenshot, launchBrowser, requireUiBuild, seriousA11yViolations, watchConsole } from './support/browser';
import { testConfig } from './support/config';
import { useStack } from './support/stack';
import { startReceiver } from './support/receiver';

/** Long enough for a delivery through the real worker on a loaded 2-core machine; the UI polls every 3 s. */
const SEEN_MS = 20_000;

/**
 * The operator dashboard in a real Chromium, against the real api (which serves it), worker and
 * an HTTP receiver. The tests run in order on one signed-in page, as an operator would.
 */
describe('ui: operator dashboard (/dashboard)', () => {
  const config = testConfig();
  const stack = useStack({ config, orgName: 'ui dashboard' });
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let consoleProblems: string[];

  const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
  const expectAccessible = async (what: string) => {
    const violations = await seriousA11yViolations(page);
    expect({ what, violations }).toEqual({ what, violations: [] });
  };
  const attempt = (n: number) => page.getByRole('listitem').filter({ has: page.getByText(`Attempt ${n}`, { exact: true }) });
  const publish = (event_type: string, data: Record<string, unknown> = {}) =>
    stack.api.request('POST', '/v1/events', { key: stack.key, body: { event_type, data } });

  beforeAll(async () => {
    requireUiBuild();
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    page.setDefaultTimeout(SEEN_MS);
    consoleProblems = watchConsole(page);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('refuses a wrong API key next to the field, then signs in with the right one', async () => {
    await page.goto(`${stack.api.baseUrl}/dashboard`);
    await expectAccessible('sign-in page');
    await page.getByLabel('API key').fill('hk_not_a_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('#api-key-error').textContent()).resolves.toContain('invalid');

    await page.getByLabel('API key').fill(stack.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    for (const name of ['Overview', 'Endpoints', 'Logs', 'Events', 'Event types', 'Channels']) await nav(name).waitFor();
    // The key lives in this tab's sessionStorage only: not in the URL, a cookie or localStorage.
    expect(page.url()).not.toContain(stack.key);
    expect(await context.cookies()).toEqual([]);
    expect(await page.evaluate(() => ({ local: localStorage.length, session: Object.values({ ...sessionStorage }) }))).toEqual({
      local: 0,
      session: [stack.key],
    });
    await expectAccessible('overview');
  });

  it('creates an endpoint through the form; it appears in the list', async () => {
    // Once the catalog has types, endpoints may only name registered ones (or wildcards).
    await stack.api.request('POST', '/v1/event-types', { key: stack.key, body: { name: 'order.paid', description: 'An order was paid.' } });
    for (const name of ['invoice.created', 'report.ready']) await stack.api.request('POST', '/v1/event-types', { key: stack.key, body: { name } });
    await nav('Endpoints').click();
    await page.getByRole('heading', { name: 'Endpoints', level: 1 }).waitFor();
    await page.getByLabel('Name').fill('Billing receiver');
    await page.getByLabel('URL', { exact: true }).fill(`${stack.receiver.url}/billing`);
    await page.getByLabel('Events').fill('order.*');
    await page.getByLabel('Events').press('Enter');
    await page.getByLabel('Events').fill('invoice.created');
    await page.getByLabel('Events').press('Enter');
    await page.getByRole('button', { name: 'Create endpoint' }).click();

    const list = page.getByRole('list', { name: 'Endpoints' });
    await list.getByRole('link', { name: 'Billing receiver' }).waitFor();
    await list.getByText(`${stack.receiver.url}/billing`).waitFor();
    const { body } = await stack.api.request('GET', '/v1/webhooks', { key: stack.key });
    expect(body.subscriptions).toEqual([
      expect.objectContaining({ name: 'Billing receiver', url: `${stack.receiver.url}/billing`, events: ['order.*', 'invoice.created'] }),
    ]);
    await expectAccessible('endpoints');
  });

  it("shows the API's validation error under the field it names", async () => {
    await page.getByLabel('Name').fill('Broken');
    await page.getByLabel('URL', { exact: true }).fill('not a url');
    await page.getByLabel('Events').fill('order.paid');
    await page.getByLabel('Events').press('Enter');
    await page.getByRole('button', { name: 'Create endpoint' }).click();

    const urlError = page.locator('#endpoint-url-error');
    await urlError.waitFor();
    const apiAnswer = await stack.api.request('POST', '/v1/webhooks', { key: stack.key, body: { name: 'Broken', url: 'not a url', events: ['order.paid'] } });
    const urlDetail = apiAnswer.body.details.find((detail: { field: string }) => detail.field === 'url');
    expect(await urlError.textContent()).toBe(urlDetail.message);
    // The URL box itself is marked invalid and points at its message; the Name box is not.
    expect(await page.getByLabel('URL', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('URL', { exact: true }).getAttribute('aria-describedby')).toContain('endpoint-url-error');
    expect(await page.getByLabel('Name').getAttribute('aria-invalid')).toBe('false');
    await expectAccessible('endpoint form with an error');
  });

  it('shows an event published over the API in Logs without a reload, and its attempts', async () => {
    await nav('Logs').click();
    await page.getByRole('heading', { name: 'Logs', level: 1 }).waitFor();
    await page.getByText('No deliveries match').waitFor();
    await page.evaluate(() => ((window as any).__sameDocument = true));

    expect((await publish('order.paid', { order_id: 'ord_1' })).status).toBe(202);
    const row = page.getByRole('row').filter({ hasText: 'order.paid' });
    await row.getByText('delivered').waitFor();
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    await expectAccessible('logs');

    await row.getByRole('link', { name: 'order.paid' }).click();
    await attempt(1).getByText('HTTP 200', { exact: true }).waitFor();
    await expectAccessible('delivery detail');
  });

  it('retries a failed delivery; the new attempt shows its HTTP status', async () => {
    const failing = await startReceiver((_, response) => void response.writeHead(500).end('down'));
    try {
      await stack.api.request('POST', '/v1/webhooks', {
        key: stack.key,
        body: { name: 'Flaky', url: `${failing.url}/flaky`, events: ['report.ready'], max_attempts: 1 },
      });
      expect((await publish('report.ready')).status).toBe(202);
      await nav('Logs').click();
      const row = page.getByRole('row').filter({ hasText: 'report.ready' });
      await row.getByText('failed').waitFor();
      await row.getByRole('link', { name: 'report.ready' }).click();
      await attempt(1).getByText('HTTP 500', { exact: true }).first().waitFor();

      failing.respondWith((_, response) => void response.writeHead(200).end('ok'));
      await page.getByRole('button', { name: 'Retry' }).click();
      await attempt(2).getByText('HTTP 200', { exact: true }).waitFor();
      expect(failing.requests).toHaveLength(2);
    } finally {
      await failing.close();
    }
  });

  it('charts the last 24 hours on the Overview', async () => {
    await nav('Overview').click();
    const tiles = page.locator('.tiles');
    await tiles.getByText('Success rate (24 h)').waitFor();
    // Two deliveries so far, both delivered in the end (the retried one on its second attempt).
    expect(await tiles.locator('.tile').filter({ hasText: 'Delivered' }).locator('dd').textContent()).toBe('2');
    expect(await tiles.locator('.tile').filter({ hasText: 'Success rate' }).locator('dd').textContent()).toBe('100 %');
    await page.locator('.chart canvas').waitFor();
    await expectAccessible('overview with chart');
    await docsScreenshot(page, 'dashboard-overview.png');
  });

  it('finds an event by id with its payload and deliveries', async () => {
    const { body } = await publish('order.paid', { order_id: 'ord_2' });
    await nav('Events').click();
    await page.getByLabel('Event id or call_id').fill(body.event_id);
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByText('"ord_2"').waitFor();
    await expectAccessible('events');
  });

  it('passes the accessibility scan on the remaining pages', async () => {
    await nav('Event types').click();
    await page.getByText('An order was paid.').waitFor();
    // The JSON Schema editor shows the API's verdict on a schema under the editor.
    await page.getByLabel('Name').fill('shipment.sent');
    await page.getByLabel('JSON Schema of data').fill('{"type": "nonsense"}');
    await page.getByRole('button', { name: 'Create event type' }).click();
    await page.locator('#event-type-schema-error').waitFor();
    expect(await page.getByLabel('JSON Schema of data').getAttribute('aria-invalid')).toBe('true');
    await expectAccessible('event types');

    await nav('Channels').click();
    await page.getByLabel('Channel', { exact: true }).fill('queue:1');
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.getByRole('heading', { name: 'Executions' }).waitFor();
    await expectAccessible('channels');

    await page.getByRole('link', { name: 'Portal sessions' }).click();
    await page.getByLabel('Tenant').waitFor();
    await expectAccessible('portal sessions');

    await nav('Endpoints').click();
    await page.getByRole('link', { name: 'Billing receiver' }).click();
    await page.getByRole('heading', { name: 'Recent deliveries' }).waitFor();
    await expectAccessible('endpoint detail');
  });

  it('fits a 375 px wide screen and leaves a screenshot for the README', async () => {
    await nav('Logs').click();
    await page.getByRole('row').filter({ hasText: 'report.ready' }).waitFor();
    await docsScreenshot(page, 'dashboard.png');

    await page.setViewportSize({ width: 375, height: 760 });
    for (const name of ['Overview', 'Endpoints', 'Logs']) {
      await nav(name).click();
      await page.getByRole('heading', { name, level: 1 }).waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect({ name, overflow }).toEqual({ name, overflow: 0 });
    }
    // The Logs table once loaded must fit as well (the loop above measured while it loaded).
    await page.getByRole('row').filter({ hasText: 'report.ready' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
    await docsScreenshot(page, 'dashboard-mobile.png');
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it('signs out and forgets the key', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    // Nothing went wrong in the page along the way (a CSP refusal would show here).
    expect(consoleProblems).toEqual([]);
  });
});
