import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject, OperationObject, ParameterObject, ReferenceObject, RequestBodyObject, ResponseObject } from '@nestjs/swagger';
import type { HTTPMethods, RouteOptions } from 'fastify';
import { EVENT_FILTER_PATTERN, EVENT_TYPE_PATTERN } from '@app/domain/event-matching';
import { MAX_URL_LENGTH } from '@app/domain/url-policy';
import { createApiApp } from '../apps/api/src/create-app';
import { MAX_BATCH_EVENTS } from '../apps/api/src/events/event-batch.dto';
import { buildOpenApiDocument } from '../apps/api/src/docs/openapi-document';
import { testConfig } from './support/config';
import { OpenApiSchemaValidator } from './support/openapi-schema-validator';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

interface Operation {
  method: string;
  path: string;
  operation: OperationObject;
}

function operationsOf(document: OpenAPIObject): Operation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({ method: method.toUpperCase(), path, operation: item[method]! })),
  );
}

/** Fastify's `/v1/webhooks/:id/logs` as OpenAPI's `/v1/webhooks/{id}/logs`. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

describe('OpenAPI document', () => {
  const config = testConfig();
  let document: OpenAPIObject;
  let validator: OpenApiSchemaValidator;
  let app: NestFastifyApplication;
  let baseUrl: string;
  /** Every route the Nest controllers registered, seen by Fastify's onRoute hook as the app starts. */
  const registered: { method: string; path: string }[] = [];

  beforeAll(async () => {
    app = await createApiApp(config);
    document = await buildOpenApiDocument(app);
    validator = new OpenApiSchemaValidator(document);
    app
      .getHttpAdapter()
      .getInstance()
      .addHook('onRoute', (route: RouteOptions) => {
        for (const method of ([] as HTTPMethods[]).concat(route.method)) registered.push({ method, path: openApiPath(route.url) });
      });
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
  });

  describe('matches the routes of the app', () => {
    it('documents every route the controllers register, with its method and path', () => {
      // Fastify adds a HEAD route beside each GET by itself.
      const routes = registered.filter(({ method, path }) => method !== 'HEAD' || !registered.some((r) => r.method === 'GET' && r.path === path));
      expect(routes.length).toBeGreaterThan(30);
      const documented = new Set(operationsOf(document).map(({ method, path }) => `${method} ${path}`));
      const undocumented = routes.map(({ method, path }) => `${method} ${path}`).filter((route) => !documented.has(route));
      expect(undocumented).toEqual([]);
    });

    it('describes no operation that the app does not serve', () => {
      const fastify = app.getHttpAdapter().getInstance();
      const missing = operationsOf(document)
        .filter(({ method, path }) => !fastify.hasRoute({ method, url: path.replace(/\{([^}]+)\}/g, ':$1') }))
        .map(({ method, path }) => `${method} ${path}`);
      expect(missing).toEqual([]);
    });
  });

  describe('is served without authentication', () => {
    it('answers /docs-json with the document', async () => {
      const response = await fetch(`${baseUrl}/docs-json`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toEqual(JSON.parse(JSON.stringify(document)));
    });

    it('answers /docs with the Swagger UI page, whose scripts and styles load', async () => {
      const response = await fetch(`${baseUrl}/docs`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await response.text();
      expect(html).toContain('swagger-ui');
      expect(html).toContain('<title>Hookline API</title>');
      const assets = [...html.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((match) => match[1]);
      expect(assets).toEqual(expect.arrayContaining(['docs/swagger-ui-bundle.js', 'docs/swagger-ui-init.js', 'docs/swagger-ui.css']));
      for (const asset of assets) {
        const answer = await fetch(`${baseUrl}/${asset}`);
        // Read to the end: an unread 1.5 MB bundle keeps its connection busy and app.close() waiting.
        await answer.arrayBuffer();
        expect({ asset, status: answer.status }).toEqual({ asset, status: 200 });
      }
      // The UI reads the document from the init script.
      expect(await (await fetch(`${baseUrl}/docs/swagger-ui-init.js`)).text()).toContain('"/v1/webhooks/{id}/secret/rotate"');
    });
  });

  describe('is complete and consistent', () => {
    let operations: Operation[];
    beforeAll(() => {
      operations = operationsOf(document);
    });

    it('gives each operation a unique operationId, a summary, a tag and a security requirement', () => {
      const ids = operations.map(({ operation }) => operation.operationId);
      expect(new Set(ids).size).toBe(ids.length);
      const tags = new Set(document.tags?.map((tag) => tag.name));
      for (const { method, path, operation } of operations) {
        const where = `${method} ${path}`;
        expect({ where, id: typeof operation.operationId, summary: typeof operation.summary }).toEqual({ where, id: 'string', summary: 'string' });
        expect({ where, tagged: operation.tags?.length === 1 && tags.has(operation.tags[0]) }).toEqual({ where, tagged: true });
        expect({ where, security: Array.isArray(operation.security) }).toEqual({ where, security: true });
      }
    });

    it('declares exactly the path parameters of each path', () => {
      for (const { method, path, operation } of operations) {
        const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]).sort();
        const declared = (operation.parameters ?? [])
          .map((parameter) => validator.resolve<ParameterObject>(parameter))
          .filter((parameter) => parameter.in === 'path')
          .map((parameter) => parameter.name)
          .sort();
        expect({ where: `${method} ${path}`, declared }).toEqual({ where: `${method} ${path}`, declared: inPath });
      }
    });

    it('requires the API key on /v1 resources and the admin token on /v1/orgs and /admin/queues', () => {
      for (const { method, path, operation } of operations) {
        const schemes = (operation.security ?? []).flatMap((requirement) => Object.keys(requirement));
        const expected = path.startsWith('/v1/orgs') || path.startsWith('/admin/') ? ['adminToken'] : path.startsWith('/v1/') ? ['apiKey'] : schemes;
        expect({ where: `${method} ${path}`, schemes }).toEqual({ where: `${method} ${path}`, schemes: expected });
      }
      expect(operations.find(({ path }) => path === '/health/ready')?.operation.security).toEqual([]);
    });

    it('documents the {error, message, details?} body for every error answer', () => {
      for (const { method, path, operation } of operations) {
        for (const [status, response] of Object.entries(operation.responses)) {
          const resolved = validator.resolve<ResponseObject>(response as ResponseObject | ReferenceObject);
          if (Number(status) < 400 || path === '/health/ready') continue;
          expect({ where: `${method} ${path} ${status}`, schema: resolved.content?.['application/json']?.schema }).toEqual({
            where: `${method} ${path} ${status}`,
            schema: { $ref: '#/components/schemas/Error' },
          });
        }
      }
    });

    it('has an example for each request and response body, valid against its schema', () => {
      let checked = 0;
      for (const { method, path, operation } of operations) {
        const bodies: { where: string; content: RequestBodyObject['content'] }[] = [];
        if (operation.requestBody) bodies.push({ where: 'request', content: validator.resolve<RequestBodyObject>(operation.requestBody).content });
        for (const [status, response] of Object.entries(operation.responses)) {
          const resolved = validator.resolve<ResponseObject>(response as ResponseObject | ReferenceObject);
          if (resolved.content) bodies.push({ where: status, content: resolved.content });
        }
        for (const { where, content } of bodies) {
          for (const [mediaType, media] of Object.entries(content)) {
            const label = `${method} ${path} ${where} ${mediaType}`;
            // @nestjs/swagger gives request bodies named `examples` only; responses carry `example`.
            const examples =
              media.example !== undefined ? [media.example] : Object.values(media.examples ?? {}).map((example) => (example as { value: unknown }).value);
            expect({ label, hasExample: examples.length > 0 }).toEqual({ label, hasExample: true });
            for (const example of examples) expect({ label, problems: validator.problems(media.schema, example) }).toEqual({ label, problems: [] });
            checked += 1;
          }
        }
      }
      expect(checked).toBeGreaterThan(80);
    });

    it('takes each limit from its class-validator rule, named constants included', () => {
      const schemas = document.components!.schemas as Record<string, { properties: Record<string, Record<string, unknown>> }>;
      const subscription = schemas.SubscriptionCreate.properties;
      expect(subscription.max_attempts).toMatchObject({ type: 'integer', minimum: 1, maximum: 20, nullable: true });
      expect(subscription.rate_limit_per_second).toMatchObject({ minimum: 1, maximum: 10_000 });
      expect(subscription.url).toMatchObject({ maxLength: MAX_URL_LENGTH, minLength: 1 });
      expect(subscription.events.items).toMatchObject({ type: 'string', pattern: EVENT_FILTER_PATTERN.source });
      expect(schemas.SubscriptionUpdate.properties.max_attempts).toEqual(subscription.max_attempts);
      expect(schemas.EventCreate.properties.event_type).toMatchObject({ pattern: EVENT_TYPE_PATTERN.source, maxLength: 255 });
      expect(schemas.EventBatch.properties.events).toMatchObject({ minItems: 1, maxItems: MAX_BATCH_EVENTS });
    });

    it('resolves every $ref', () => {
      const refs = [...JSON.stringify(document).matchAll(/"\$ref":"([^"]+)"/g)].map((match) => match[1]);
      expect(refs.length).toBeGreaterThan(50);
      for (const ref of new Set(refs)) expect(() => validator.resolve({ $ref: ref })).not.toThrow();
    });
  });
});
