import type { ComponentsObject, ResponseObject, SchemaObject } from '@nestjs/swagger';
import { arrayOf, jsonResponse, object, ref, string } from './openapi-builders';

/** Shapes and answers shared by every resource: the error body, auth schemes, the X-Org-Id header. */

const errorDetailSchema: SchemaObject = {
  ...object({ field: string('The request field the problem is about (dotted for nested fields).'), message: string('What is wrong with it.') }, {
    optional: ['field'],
    description: 'One problem of the request; validators may add fields of their own (e.g. the JSON Schema keyword).',
  }),
  additionalProperties: true,
};

const errorSchema = object(
  {
    error: string(
      'Machine-readable code: validation_failed, unauthorized, forbidden, not_found, conflict, payload_too_large, unsupported_media_type, uri_too_long, rate_limited, service_unavailable, internal_error.',
    ),
    message: string('One human sentence.'),
    details: arrayOf(ref('ErrorDetail'), 'Per-field problems; present for validation errors, may be omitted otherwise.'),
  },
  { optional: ['details'], description: 'Every error answer has this shape.' },
);

const errorResponse = (description: string, example: { error: string; message: string; details?: unknown[] }): ResponseObject =>
  jsonResponse(description, ref('Error'), example);

const retryAfter = { 'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer' as const }, example: 12 } };

export const sharedComponents: ComponentsObject = {
  securitySchemes: {
    apiKey: {
      type: 'http',
      scheme: 'bearer',
      description:
        'An API key of the organization: `Authorization: Bearer <key>` (`Authorization: Token <key>` is accepted too). Keys are created by the admin endpoints under /v1/orgs.',
    },
    adminToken: {
      type: 'http',
      scheme: 'bearer',
      description: 'The operator token: `Authorization: Bearer <ADMIN_TOKEN>`. Without ADMIN_TOKEN configured, admin endpoints answer 401.',
    },
    metricsToken: {
      type: 'http',
      scheme: 'bearer',
      description: 'Only when METRICS_TOKEN is set: `Authorization: Bearer <METRICS_TOKEN>`.',
    },
  },
  parameters: {
    OrgId: {
      name: 'X-Org-Id',
      in: 'header',
      required: false,
      description: "When sent, must be the API key's organization id (403 otherwise).",
      schema: { type: 'string' },
      example: 'org_01JZ8Q4M9V3W6X2Y7T5R1K0ABC',
    },
  },
  schemas: { Error: errorSchema, ErrorDetail: errorDetailSchema },
  responses: {
    ValidationFailed: errorResponse('The request is invalid (body, query or path); unknown body fields are refused.', {
      error: 'validation_failed',
      message: 'The request is invalid.',
      details: [{ field: 'url', message: 'url must use https' }],
    }),
    Unauthorized: errorResponse('No API key, or an unknown or revoked one.', {
      error: 'unauthorized',
      message: 'The API key is invalid or revoked.',
    }),
    AdminUnauthorized: errorResponse('No admin token, or a wrong one.', {
      error: 'unauthorized',
      message: 'This endpoint needs "Authorization: Bearer <ADMIN_TOKEN>".',
    }),
    MetricsUnauthorized: errorResponse('METRICS_TOKEN is set and the request does not carry it.', {
      error: 'unauthorized',
      message: 'This endpoint needs "Authorization: Bearer <METRICS_TOKEN>".',
    }),
    Forbidden: errorResponse("X-Org-Id names another organization than the API key's.", {
      error: 'forbidden',
      message: 'X-Org-Id does not match the organization of the API key.',
    }),
    NotFound: errorResponse('No such resource in this organization (resources of other organizations answer 404 too).', {
      error: 'not_found',
      message: 'Subscription not found.',
    }),
    Conflict: errorResponse('The request conflicts with the current state.', {
      error: 'conflict',
      message: 'Event type "order.paid" already exists.',
    }),
    PayloadTooLarge: errorResponse('The request body is over 256 KiB.', {
      error: 'payload_too_large',
      message: 'The request body is too large.',
    }),
    UnsupportedMediaType: errorResponse('The request body is not sent as application/json.', {
      error: 'unsupported_media_type',
      message: 'Unsupported Media Type: text/plain',
    }),
    RateLimited: {
      ...errorResponse('The API key made more than API_RATE_LIMIT_PER_MINUTE requests this minute.', {
        error: 'rate_limited',
        message: 'Too many requests for this API key: the limit is 6000 per minute; retry after 12 s.',
      }),
      headers: retryAfter,
    },
    ServiceUnavailable: {
      ...errorResponse('PostgreSQL (or, for a retry, the delivery queue) is unavailable; try again shortly.', {
        error: 'service_unavailable',
        message: 'The database is unavailable; try again shortly.',
      }),
      headers: retryAfter,
    },
  },
};
