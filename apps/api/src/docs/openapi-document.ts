import type { OpenAPIObject, PathsObject } from '@nestjs/swagger';
import { sharedComponents } from './openapi-components';
import { channelsDocument } from './paths/channels.openapi';
import { eventTypesDocument } from './paths/event-types.openapi';
import { eventsDocument } from './paths/events.openapi';
import { logsDocument } from './paths/logs.openapi';
import { operationsDocument } from './paths/operations.openapi';
import { orgsDocument } from './paths/orgs.openapi';
import { subscriptionsDocument } from './paths/subscriptions.openapi';
import type { ResourceDocument } from './resource-document';

/** In the order the UI shows them. */
const RESOURCES: ResourceDocument[] = [
  subscriptionsDocument,
  logsDocument,
  eventsDocument,
  channelsDocument,
  eventTypesDocument,
  orgsDocument,
  operationsDocument,
];

const DESCRIPTION = `Hookline delivers events to webhooks: publish an event, and the worker signs and posts it to every matching subscription, retrying with exponential backoff and recording every attempt.

**Authentication**: \`Authorization: Bearer <api key>\` (or \`Token <api key>\`) on /v1 endpoints; \`Authorization: Bearer <ADMIN_TOKEN>\` on /v1/orgs and /admin/queues. Resources of another organization answer 404.

**Errors** always have the shape \`{"error": "<code>", "message": "<sentence>", "details": [...]}\`; \`details\` lists per-field problems of validation errors. Unknown body fields are a 400.

**Deliveries** are at least once, unordered; receivers deduplicate on the \`webhook-id\` header (the event id). Each is signed per Standard Webhooks (\`webhook-id\`, \`webhook-timestamp\`, \`webhook-signature\`) and with \`X-Webhook-Signature: sha256=<hex HMAC of the body>\`.

This document is served at /docs-json (the UI at /docs), without authentication.`;

/** The OpenAPI document of the API, covering every route it serves (test/docs-openapi.e2e-spec.ts holds it to that). */
export function buildOpenApiDocument(): OpenAPIObject {
  const paths: PathsObject = {};
  for (const resource of RESOURCES) {
    for (const [path, item] of Object.entries(resource.paths)) {
      if (paths[path]) throw new Error(`OpenAPI path ${path} is described twice`);
      paths[path] = item;
    }
  }
  return {
    openapi: '3.0.3',
    info: { title: 'Hookline API', version: 'v1', description: DESCRIPTION, license: { name: 'MIT' } },
    tags: RESOURCES.map((resource) => resource.tag),
    paths,
    components: {
      ...sharedComponents,
      schemas: Object.assign({}, sharedComponents.schemas, ...RESOURCES.map((resource) => resource.schemas)),
    },
  };
}
