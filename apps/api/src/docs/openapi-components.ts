import type { ComponentsObject, ResponseObject, SchemaObject } from '@nestjs/swagger';

/** What the controllers cannot say: the error body, the auth schemes, the errors shared by many operations. */

const errorDetailSchema: SchemaObject = {
  type: 'object',
  description: 'One problem of the request; validators may add fields of their own (e.g. the JSON Schema keyword).',
  properties: {
    field: { type: 'string', description: 'The request field the problem is about (dotted for nested fields).' },
    message: { type: 'string', description: 'What is wrong with it.' },
  },
  required: ['message'],
  additionalProperties: true,
};

const errorSchema: SchemaObject = {
  type: 'object',
  description: 'Every error answer has this shape.',
  properties: {
    error: {
      type: 'string',
      description:
        'Machine-readable code: validation_failed, unauthorized, token_expired, forbidden, not_found, conflict, payload_too_large, unsupported_media_type, uri_too_long, rate_limited, service_unavailable, internal_error.',
    },
    message: { type: 'string', description: 'One human sentence.' },
    details: {
      type: 'array',
      items: { $ref: '#/components/schemas/ErrorDetail' },
      description: 'Per-field problems; present for validation errors, may be omitted otherwise.',
    },
  },
  required: ['error', 'message'],
};

export const ERROR_SCHEMA_REF = '#/components/schemas/Error';

const errorResponse = (description: string, example: { error: string; message: string; details?: unknown[] }): ResponseObject => ({
  description,
  content: { 'application/json': { schema: { $ref: ERROR_SCHEMA_REF }, example } },
});

const retryAfter = { 'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer' as const }, example: 12 } };

/** Error answers shared by many operations, by name, with their status (see api-docs.decorators.ts). */
export const SHARED_ERRORS = {
  ValidationFailed: [
    400,
    errorResponse('The request is invalid (body, query or path); unknown body fields are refused.', {
      error: 'validation_failed',
      message: 'The request is invalid.',
      details: [{ field: 'url', message: 'url must use https' }],
    }),
  ],
  Unauthorized: [
    401,
    errorResponse('No API key, or an unknown or revoked one (or portal token; an expired portal token answers `token_expired`).', {
      error: 'unauthorized',
      message: 'The API key is invalid or revoked.',
    }),
  ],
  AdminUnauthorized: [
    401,
    errorResponse('No admin token, or a wrong one.', {
      error: 'unauthorized',
      message: 'This endpoint needs "Authorization: Bearer <ADMIN_TOKEN>".',
    }),
  ],
  MetricsUnauthorized: [
    401,
    errorResponse('METRICS_TOKEN is set and the request does not carry it.', {
      error: 'unauthorized',
      message: 'This endpoint needs "Authorization: Bearer <METRICS_TOKEN>".',
    }),
  ],
  Forbidden: [
    403,
    errorResponse(
      "X-Org-Id names another organization than the API key's, or a portal token called an endpoint it may not use (or wrote with a read-only session).",
      {
        error: 'forbidden',
        message: 'X-Org-Id does not match the organization of the API key.',
      },
    ),
  ],
  NotFound: [
    404,
    errorResponse('No such resource in this organization (resources of other organizations answer 404 too).', {
      error: 'not_found',
      message: 'Subscription not found.',
    }),
  ],
  Conflict: [409, errorResponse('The request conflicts with the current state.', { error: 'conflict', message: 'Event type "order.paid" already exists.' })],
  PayloadTooLarge: [413, errorResponse('The request body is over 256 KiB.', { error: 'payload_too_large', message: 'The request body is too large.' })],
  UnsupportedMediaType: [
    415,
    errorResponse('The request body is not sent as application/json.', {
      error: 'unsupported_media_type',
      message: 'Unsupported Media Type: text/plain',
    }),
  ],
  RateLimited: [
    429,
    {
      ...errorResponse('The API key made more than API_RATE_LIMIT_PER_MINUTE requests this minute.', {
        error: 'rate_limited',
        message: 'Too many requests for this API key: the limit is 6000 per minute; retry after 12 s.',
      }),
      headers: retryAfter,
    },
  ],
  ServiceUnavailable: [
    503,
    {
      ...errorResponse('PostgreSQL (or, for a retry, the delivery queue) is unavailable; try again shortly.', {
        error: 'service_unavailable',
        message: 'The database is unavailable; try again shortly.',
      }),
      headers: retryAfter,
    },
  ],
} satisfies Record<string, [number, ResponseObject]>;

export type SharedError = keyof typeof SHARED_ERRORS;

export const sharedComponents: ComponentsObject = {
  securitySchemes: {
    apiKey: {
      type: 'http',
      scheme: 'bearer',
      description:
        'An API key of the organization: `Authorization: Bearer <key>` (`Authorization: Token <key>` is accepted too). Keys are created by the admin endpoints under /v1/orgs. ' +
        'A portal session token (`hps_…`) is accepted too, narrowed to its tenant.',
    },
    adminToken: {
      type: 'http',
      scheme: 'bearer',
      description: 'The operator token: `Authorization: Bearer <ADMIN_TOKEN>`. Without ADMIN_TOKEN configured, admin endpoints answer 401.',
    },
    metricsToken: { type: 'http', scheme: 'bearer', description: 'Only when METRICS_TOKEN is set: `Authorization: Bearer <METRICS_TOKEN>`.' },
  },
  schemas: { Error: errorSchema, ErrorDetail: errorDetailSchema },
  responses: Object.fromEntries(Object.entries(SHARED_ERRORS).map(([name, [, response]]) => [name, response])),
};
