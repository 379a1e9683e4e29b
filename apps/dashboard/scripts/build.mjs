/**
 * `npm run build:dashboard`: type-checks the UI, builds the dashboard and the portal with Vite into
 * dist/dashboard/{dashboard,portal}/, then prints each app's JavaScript size, raw and gzipped, and
 * fails when the portal is over its budget (it is embedded in other products).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const here = import.meta.dirname;
const outRoot = resolve(here, '../../../dist/dashboard');
/** Gzipped JavaScript the portal may ship (issue 10). */
const BUDGET_GZIP_BYTES = { portal: 200 * 1024, dashboard: 200 * 1024 };

try {
  execFileSync(process.execPath, [resolve(here, '../../../node_modules/typescript/bin/tsc'), '-p', resolve(here, '..')], { stdio: 'inherit' });
} catch {
  console.error('The dashboard does not type-check (errors above).');
  process.exit(1);
}

const sizes = [];
for (const app of ['dashboard', 'portal']) {
  await build({ configFile: resolve(here, '../vite.config.mjs'), mode: app, logLevel: 'warn' });
  const assets = join(outRoot, app, 'assets');
  const files = readdirSync(assets).filter((name) => name.endsWith('.js') || name.endsWith('.css'));
  const measure = (ext) =>
    files
      .filter((name) => name.endsWith(ext))
      .map((name) => readFileSync(join(assets, name)))
      .reduce((sum, bytes) => ({ raw: sum.raw + bytes.length, gzip: sum.gzip + gzipSync(bytes, { level: 9 }).length }), { raw: 0, gzip: 0 });
  sizes.push({ app, js: measure('.js'), css: measure('.css') });
  statSync(join(outRoot, app, 'index.html'));
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
console.log('UI bundle sizes (JavaScript | CSS; raw / gzipped):');
for (const { app, js, css } of sizes) {
  console.log(
    `  /${app.padEnd(10)} JS ${kb(js.raw)} / ${kb(js.gzip)} gz   CSS ${kb(css.raw)} / ${kb(css.gzip)} gz   (JS budget ${kb(BUDGET_GZIP_BYTES[app])} gz)`,
  );
}
const over = sizes.filter(({ app, js }) => js.gzip > BUDGET_GZIP_BYTES[app]);
if (over.length > 0) {
  console.error(`Over budget: ${over.map(({ app }) => app).join(', ')}`);
  process.exit(1);
}
