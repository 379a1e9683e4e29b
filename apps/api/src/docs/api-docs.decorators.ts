import { applyDecorators, type Type } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiHeader, ApiResponse, ApiSecurity, getSchemaPath, type ApiResponseOptions } from '@nestjs/swagger';
import { SHARED_ERRORS, type SharedError } from './openapi-components';

/** Who may call an operation; decides its security requirement and the auth errors it can answer. */
export type Access = 'apiKey' | 'admin' | 'public' | 'metrics';

const ACCESS_ERRORS: Record<Access, SharedError[]> = {
  // Authentication reads PostgreSQL: while it is down, every such request answers 503.
  apiKey: ['Unauthorized', 'Forbidden', 'RateLimited', 'ServiceUnavailable'],
  admin: ['AdminUnauthorized', 'ServiceUnavailable'],
  public: [],
  metrics: ['MetricsUnauthorized'],
};

/** Shared error answers, as references to components.responses. */
export function ApiErrors(...errors: SharedError[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...errors.map((error) => ApiResponse({ status: SHARED_ERRORS[error][0], $ref: `#/components/responses/${error}` } as ApiResponseOptions)),
  );
}

/** On a controller: how its operations authenticate, with the errors that brings. Public operations get `security: []` in openapi-document.ts. */
export function ApiAccess(access: Access): ClassDecorator {
  const security = {
    apiKey: [
      ApiSecurity('apiKey'),
      ApiHeader({
        name: 'X-Org-Id',
        required: false,
        description: "When sent, must be the API key's organization id (403 otherwise).",
        example: 'org_01JZ8Q4M9V3W6X2Y7T5R1K0ABC',
      }),
    ],
    admin: [ApiSecurity('adminToken')],
    public: [],
    // Open unless METRICS_TOKEN is set: both requirements are listed, the empty one meaning none.
    metrics: [ApiSecurity({}), ApiSecurity('metricsToken')],
  }[access];
  return applyDecorators(...security, ApiErrors(...ACCESS_ERRORS[access]));
}

/**
 * A JSON request body of `type`, with the example /docs shows, and the errors any body can cause:
 * invalid, over the size limit (BODY_LIMIT_BYTES) or not JSON.
 */
export function ApiJsonBody(type: Type<unknown>, example: unknown, options: { required?: boolean } = {}): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(type),
    // Swagger puts only a request body's `examples` (not `example`) into its media type.
    ApiBody({ schema: { $ref: getSchemaPath(type) }, examples: { example: { value: example } }, required: options.required ?? true }),
    ApiErrors('ValidationFailed', 'PayloadTooLarge', 'UnsupportedMediaType'),
  );
}
