import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { UI_BUILD_ROOT } from '../../apps/api/src/dashboard/setup-ui';

/** Debian's chromium (`apt-get install chromium`; .ci/run installs it), or CHROMIUM_PATH. */
export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(path)) throw new Error(`No Chromium at ${path}: apt-get install -y chromium, or set CHROMIUM_PATH.`);
  return path;
}

/** Fails early, with what to run, when the UI was not built (npm test builds it). */
export function requireUiBuild(): void {
  for (const app of ['dashboard', 'portal']) {
    if (!existsSync(`${UI_BUILD_ROOT}/${app}/index.html`))
      throw new Error(`${UI_BUILD_ROOT}/${app} is missing: run npm run build (or npm run build:dashboard).`);
  }
}

/** A headless Chromium without the background traffic a test machine has no use for. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * Collects what would show up red in the browser console: uncaught errors, console errors (a CSP
 * refusal is one) and failed requests other than the API's own 4xx answers the test provoked.
 */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  return problems;
}

const AXE_SOURCE = () => readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/**
 * Runs axe-core in the page and returns its serious and critical violations. The UI's CSP refuses
 * inline scripts, page.addScriptTag({content}) included (which shows the CSP works), so axe's source
 * is evaluated over the DevTools protocol instead, which a page's CSP does not govern.
 */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE());
  return page.evaluate(async () => {
    const axe = (window as any).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((violation: any) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation: any) => ({
        id: violation.id,
        impact: violation.impact,
        help: violation.help,
        nodes: violation.nodes.map((node: any) => node.target.join(' ')),
      }));
  });
}

/**
 * Screenshots the page (so the render is exercised on every run) and writes it to docs/<name> only
 * with UPDATE_SCREENSHOTS=1: the README's pictures change when someone means them to, and a test
 * run leaves the working tree clean.
 */
export async function docsScreenshot(page: Page, name: string): Promise<void> {
  const png = await page.screenshot();
  if (process.env.UPDATE_SCREENSHOTS !== '1') return;
  const docs = join(__dirname, '..', '..', 'docs');
  mkdirSync(docs, { recursive: true });
  writeFileSync(join(docs, name), png);
}
