import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type { HooklineConfig } from '@app/config';
import { uiCacheControl, uiSecurityHeaders, type UiApp } from './ui-headers';

const UI_APPS: UiApp[] = ['dashboard', 'portal'];

/** The repository (or image) root: the nearest folder above this file with a package.json. */
function projectRoot(from: string): string {
  let folder = from;
  while (!existsSync(join(folder, 'package.json')) && dirname(folder) !== folder) folder = dirname(folder);
  return folder;
}

/** Where `npm run build:dashboard` writes the two apps (dist/dashboard/<app>/). */
export const UI_BUILD_ROOT = join(projectRoot(__dirname), 'dist', 'dashboard');

/**
 * Serves the built dashboard at /dashboard/ and the portal at /portal/ (both also answer without
 * the trailing slash, by a redirect). Each app lives in its own encapsulated Fastify scope, so its
 * headers apply to its files only. Without a build, both answer 503 with what to run.
 */
export async function setupUi(app: NestFastifyApplication, config: HooklineConfig): Promise<void> {
  for (const name of UI_APPS) {
    const root = join(UI_BUILD_ROOT, name);
    const headers = uiSecurityHeaders(name, config.portalFrameAncestors);
    await app.register(async (scope: FastifyInstance) => {
      if (!existsSync(join(root, 'index.html'))) {
        scope.get(`/${name}`, async (_request, reply) =>
          reply.code(503).send({ error: 'ui_not_built', message: `The ${name} is not built: run npm run build (or npm run build:dashboard).` }),
        );
        return;
      }
      await scope.register(fastifyStatic, {
        root,
        prefix: `/${name}`,
        redirect: true,
        index: ['index.html'],
        decorateReply: false,
        cacheControl: false,
        setHeaders: (reply, filePath) => {
          reply.headers(headers);
          reply.header('cache-control', uiCacheControl(filePath));
        },
      });
    });
  }
}
