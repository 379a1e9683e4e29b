import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { loadConfig } from '@app/config';
import { AppModule } from '../app.module';
import { buildOpenApiDocument } from './openapi-document';

/**
 * The document as the app serves it, built without starting the app: Nest's preview mode scans the
 * modules and controllers but creates no provider, so no database or Redis is needed. The document
 * does not depend on the configuration, so the defaults do.
 */
export async function generateOpenApiDocument(): Promise<OpenAPIObject> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(loadConfig({})), new FastifyAdapter(), { preview: true, logger: false });
  try {
    return await buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}

/** openapi.json's text: pretty-printed with object keys sorted (arrays keep their order), so diffs show only real changes. */
export function serializeOpenApiDocument(document: OpenAPIObject): string {
  return `${JSON.stringify(sortKeys(document), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
