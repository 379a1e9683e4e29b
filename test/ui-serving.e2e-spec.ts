import type { Browser } from 'playwright-core';
import { startApi, type TestApi } from './support/api';
import { launchBrowser, requireUiBuild } from './support/browser';
import { testConfig } from './support/config';
import { startReceiver, type Receiver } from './support/receiver';

/** How the api serves the two UIs: caching, CSP, and who may frame them (checked in a real browser too). */
describe('ui: serving /dashboard and /portal', () => {
  let api: TestApi;
  let embedder: Receiver;
  let browser: Browser;

  beforeAll(async () => {
    requireUiBuild();
    // Another origin (another port) that embeds both pages; only the portal lets it.
    embedder = await startReceiver();
    api = await startApi(testConfig({ portalFrameAncestors: [embedder.url] }));
    embedder.respondWith((_, response) => {
      response.writeHead(200, { 'content-type': 'text/html' }).end(
        `<!doctype html><title>Embedder</title>
         <iframe name="portal" src="${api.baseUrl}/portal/"></iframe>
         <iframe name="dashboard" src="${api.baseUrl}/dashboard/"></iframe>`,
      );
    });
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await embedder?.close();
  });

  const get = (path: string) => fetch(`${api.baseUrl}${path}`, { redirect: 'manual' });
  const cspDirective = (response: Response, name: string) =>
    response.headers
      .get('content-security-policy')
      ?.split(';')
      .map((part) => part.trim())
      .find((part) => part.startsWith(`${name} `));

  it.each(['dashboard', 'portal'])('serves /%s: index.html not cached, hashed assets cached a year, scripts from self only', async (app) => {
    const redirect = await get(`/${app}`);
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe(`/${app}/`);

    const index = await get(`/${app}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('text/html');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(cspDirective(index, 'script-src')).toBe("script-src 'self'");
    const html = await index.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);

    const script = /src="([^"]+\.js)"/.exec(html)![1];
    expect(script).toMatch(new RegExp(`^/${app}/assets/[\\w-]+-[\\w-]{8}\\.js$`));
    const asset = await get(script);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('never lets /dashboard be framed; /portal only by PORTAL_FRAME_ANCESTORS', async () => {
    const dashboard = await get('/dashboard/');
    expect(cspDirective(dashboard, 'frame-ancestors')).toBe("frame-ancestors 'none'");
    expect(dashboard.headers.get('x-frame-options')).toBe('DENY');
    const portal = await get('/portal/');
    expect(cspDirective(portal, 'frame-ancestors')).toBe(`frame-ancestors ${embedder.url}`);
    expect(portal.headers.get('x-frame-options')).toBeNull();

    browser = await launchBrowser();
    const page = await browser.newPage();
    await page.goto(embedder.url);
    const portalFrame = page.frame({ name: 'portal' })!;
    // The portal renders inside the frame (without a token it says it needs a portal link)...
    await portalFrame.getByText('needs a portal link').waitFor({ timeout: 20_000 });
    // ...the dashboard is blocked: its frame never gets the sign-in form.
    const dashboardFrame = page.frame({ name: 'dashboard' })!;
    await dashboardFrame.waitForLoadState('load');
    expect(await dashboardFrame.locator('#api-key').count()).toBe(0);
  });
});
