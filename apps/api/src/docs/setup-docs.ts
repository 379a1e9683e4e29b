import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { buildOpenApiDocument } from './openapi-document';

/** Where the Swagger UI and the JSON document are served; both without authentication. */
export const DOCS_PATH = 'docs';
export const DOCS_JSON_PATH = 'docs-json';

/** Serves the OpenAPI document at /docs-json and Swagger UI at /docs (its assets from swagger-ui-dist through @fastify/static). */
export async function setupDocs(app: NestFastifyApplication): Promise<void> {
  SwaggerModule.setup(DOCS_PATH, app, await buildOpenApiDocument(app), {
    jsonDocumentUrl: DOCS_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 'Hookline API',
  });
}
