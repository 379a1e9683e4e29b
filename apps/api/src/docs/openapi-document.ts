import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import pluginMetadata from '@app/generated/openapi/metadata';
import { queueBoardPathItem } from '../admin-queues/queue-board.openapi';
import { sharedComponents } from './openapi-components';
import { applyValidationLimits } from './validation-limits';

const DESCRIPTION = `Hookline delivers events to webhooks: publish an event, and the worker signs and posts it to every matching subscription, retrying with exponential backoff and recording every attempt.

**Authentication**: \`Authorization: Bearer <api key>\` (or \`Token <api key>\`) on /v1 endpoints; \`Authorization: Bearer <ADMIN_TOKEN>\` on /v1/orgs and /admin/queues. Resources of another organization answer 404. A portal session token (\`hps_…\`, see Portal sessions) is accepted where an API key is, narrowed to its tenant: other tenants' resources answer 404, endpoints it may not use 403, and an expired token 401 \`token_expired\`.

**Errors** always have the shape \`{"error": "<code>", "message": "<sentence>", "details": [...]}\`; \`details\` lists per-field problems of validation errors. Unknown body fields are a 400.

**Deliveries** are at least once, unordered; receivers deduplicate on the \`webhook-id\` header (the event id). Each is signed per Standard Webhooks (\`webhook-id\`, \`webhook-timestamp\`, \`webhook-signature\`) and with \`X-Webhook-Signature: sha256=<hex HMAC of the body>\`.

This document is served at /docs-json (the UI at /docs), without authentication.`;

/** Tags in the order the UI shows them; controllers name theirs with @ApiTags. */
const TAGS: [string, string][] = [
  ['Subscriptions', 'Webhook subscriptions of the organization: where events go, signed with the subscription secret.'],
  ['Delivery logs', 'One log per event × webhook, with its HTTP attempts; newest first.'],
  ['Events', 'Publish events; the worker fans each out to the matching subscriptions and channel webhook.'],
  [
    'Channel webhooks',
    'One webhook per channel (e.g. per worker or queue): every event published on the channel, with its token in `X-Webhook-Token` (WEBHOOK_TOKEN_HEADER) and signed with the token.',
  ],
  [
    'Event types',
    "The organization's catalog of event types. Once it has any, subscriptions' `events` must each name a registered type or be a wildcard matching one. Publishing unregistered types stays allowed.",
  ],
  ['Stats', 'Aggregates for overview charts; a portal token sees its tenant only.'],
  [
    'Portal sessions',
    'Links for the customer-facing portal. A tenant is a channel: its endpoints are the subscriptions whose `channels` are exactly `[tenant]`. ' +
      'The session token (`Authorization: Bearer hps_…`) works on the /v1 API narrowed to the tenant: webhooks, logs, event types (read), stats and its own channel webhook; everything else answers 403.',
  ],
  ['Organizations (admin)', 'Operator endpoints: organizations and their API keys, behind `Authorization: Bearer <ADMIN_TOKEN>`.'],
  ['Operations', 'Probes, Prometheus metrics and the queue dashboard. The worker serves its own /health/* and /metrics on WORKER_HTTP_PORT.'],
];

/**
 * The OpenAPI document of the API, derived from its controllers and DTOs by @nestjs/swagger with the
 * CLI plugin's metadata (generated/openapi/metadata.ts, written by `npm run build`). It covers every
 * route the app serves (test/docs-openapi.e2e-spec.ts holds it to that); openapi.json is a copy.
 */
export async function buildOpenApiDocument(app: INestApplication): Promise<OpenAPIObject> {
  await SwaggerModule.loadPluginMetadata(pluginMetadata);
  applyValidationLimits();
  const header = new DocumentBuilder()
    .setOpenAPIVersion('3.0.3')
    .setTitle('Hookline API')
    .setVersion('v1')
    .setDescription(DESCRIPTION)
    .setLicense('MIT', '')
    .build();
  const document = SwaggerModule.createDocument(app, { ...header, tags: TAGS.map(([name, description]) => ({ name, description })) });
  document.paths[queueBoardPathItem.path] = queueBoardPathItem.item;
  document.components = { ...sharedComponents, ...document.components, schemas: { ...sharedComponents.schemas, ...document.components?.schemas } };
  for (const item of Object.values(document.paths)) {
    for (const operation of [item.get, item.put, item.post, item.delete, item.patch]) {
      if (!operation) continue;
      // An operation without a security requirement is public: say so, rather than leave it to the reader.
      operation.security ??= [];
      // Swagger gives every response a description, even a $ref one (where OpenAPI 3.0 ignores siblings).
      for (const response of Object.values(operation.responses)) if (response && '$ref' in response) delete (response as { description?: string }).description;
    }
  }
  return document;
}
