import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/**
 * Two apps, built one at a time (`vite build --mode dashboard|portal`), each into its own folder
 * under dist/dashboard/ and served by the api under its own path: the portal is embedded in other
 * products, so it must not carry the operator pages' code.
 */
export default defineConfig(({ mode }) => {
  const app = mode === 'portal' ? 'portal' : 'dashboard';
  return {
    root: resolve(import.meta.dirname, app),
    base: `/${app}/`,
    publicDir: false,
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    build: {
      outDir: resolve(import.meta.dirname, '../../dist/dashboard', app),
      emptyOutDir: true,
      assetsDir: 'assets',
      // No inline <script>: the pages' CSP allows script files from 'self' only.
      modulePreload: { polyfill: false },
      assetsInlineLimit: 0,
      target: 'es2022',
    },
    server: { proxy: { '/v1': 'http://127.0.0.1:3000' } },
  };
});
