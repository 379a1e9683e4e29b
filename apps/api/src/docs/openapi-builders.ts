import type {
  OperationObject,
  ParameterObject,
  ReferenceObject,
  RequestBodyObject,
  ResponseObject,
  ResponsesObject,
  SchemaObject,
} from '@nestjs/swagger';

/**
 * Small builders for the hand-written OpenAPI document: the document is data (not decorators on the
 * controllers), so these keep each resource's file short and its shapes uniform.
 */
export type Schema = SchemaObject | ReferenceObject;

export const ref = (schema: string): ReferenceObject => ({ $ref: `#/components/schemas/${schema}` });
export const responseRef = (response: string): ReferenceObject => ({ $ref: `#/components/responses/${response}` });
export const parameterRef = (parameter: string): ReferenceObject => ({ $ref: `#/components/parameters/${parameter}` });

export const string = (description: string, extra: SchemaObject = {}): SchemaObject => ({ type: 'string', description, ...extra });
export const integer = (description: string, extra: SchemaObject = {}): SchemaObject => ({ type: 'integer', description, ...extra });
export const boolean = (description: string): SchemaObject => ({ type: 'boolean', description });
export const dateTime = (description: string): SchemaObject => string(description, { format: 'date-time' });
export const arrayOf = (items: Schema, description?: string, extra: SchemaObject = {}): SchemaObject => ({
  type: 'array',
  items,
  ...(description && { description }),
  ...extra,
});
export const stringMap = (description: string): SchemaObject => ({ type: 'object', description, additionalProperties: { type: 'string' } });
export const anyObject = (description: string): SchemaObject => ({ type: 'object', description, additionalProperties: true });

/** OpenAPI 3.0 has no type unions: a nullable value keeps its type and says `nullable`. */
export const nullable = (schema: SchemaObject): SchemaObject => ({ ...schema, nullable: true });

/** An object schema; every property is required unless listed in `optional`. */
export function object(properties: Record<string, Schema>, options: { optional?: string[]; description?: string } = {}): SchemaObject {
  const optional = new Set(options.optional ?? []);
  const required = Object.keys(properties).filter((name) => !optional.has(name));
  return {
    type: 'object',
    ...(options.description && { description: options.description }),
    properties,
    ...(required.length > 0 && { required }),
  };
}

export const pathParameter = (name: string, description: string, example: string, schema: SchemaObject = { type: 'string' }): ParameterObject => ({
  name,
  in: 'path',
  required: true,
  description,
  schema,
  example,
});

export const queryParameter = (name: string, description: string, schema: SchemaObject, example?: unknown, required = false): ParameterObject => ({
  name,
  in: 'query',
  required,
  description,
  schema,
  ...(example !== undefined && { example }),
});

export function jsonBody(schema: Schema, example: unknown, description?: string): RequestBodyObject {
  return { required: true, ...(description && { description }), content: { 'application/json': { schema, example } } };
}

export function jsonResponse(description: string, schema: Schema, example: unknown): ResponseObject {
  return { description, content: { 'application/json': { schema, example } } };
}

export const noContent = (description: string): ResponseObject => ({ description });

/** Who may call an operation; decides its security requirement and the auth errors it can answer. */
export type Access = 'apiKey' | 'admin' | 'public' | 'metrics';

export interface OperationSpec {
  tag: string;
  operationId: string;
  summary: string;
  description?: string;
  access: Access;
  parameters?: (ParameterObject | ReferenceObject)[];
  requestBody?: RequestBodyObject;
  /** Success answers and the errors particular to this operation (by status). */
  responses: ResponsesObject;
  /** Error responses from components.responses, e.g. ['ValidationFailed', 'NotFound']. */
  errors?: string[];
}

/** The errors every operation with that access can answer, whatever its own. */
const ACCESS_ERRORS: Record<Access, string[]> = {
  // Authentication reads PostgreSQL: while it is down, every such request answers 503.
  apiKey: ['Unauthorized', 'Forbidden', 'RateLimited', 'ServiceUnavailable'],
  admin: ['AdminUnauthorized', 'ServiceUnavailable'],
  public: [],
  metrics: ['MetricsUnauthorized'],
};

/** Any request with a body can be too large (BODY_LIMIT_BYTES), malformed JSON or not JSON at all. */
const BODY_ERRORS = ['ValidationFailed', 'PayloadTooLarge', 'UnsupportedMediaType'];

const SECURITY: Record<Access, OperationObject['security']> = {
  apiKey: [{ apiKey: [] }],
  admin: [{ adminToken: [] }],
  public: [],
  // Open unless METRICS_TOKEN is set: both requirements are listed, the empty one meaning none.
  metrics: [{}, { metricsToken: [] }],
};

/** Status each shared error response answers with (components.responses). */
export const ERROR_STATUS: Record<string, number> = {
  ValidationFailed: 400,
  Unauthorized: 401,
  AdminUnauthorized: 401,
  MetricsUnauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  Conflict: 409,
  PayloadTooLarge: 413,
  UnsupportedMediaType: 415,
  RateLimited: 429,
  ServiceUnavailable: 503,
};

export function operation(spec: OperationSpec): OperationObject {
  const responses: ResponsesObject = { ...spec.responses };
  const parameters = [...(spec.access === 'apiKey' ? [parameterRef('OrgId')] : []), ...(spec.parameters ?? [])];
  const bodyErrors = spec.requestBody ? BODY_ERRORS : [];
  for (const error of [...(spec.errors ?? []), ...bodyErrors, ...ACCESS_ERRORS[spec.access]]) {
    const status = String(ERROR_STATUS[error]);
    if (!(status in responses)) responses[status] = responseRef(error);
  }
  return {
    tags: [spec.tag],
    operationId: spec.operationId,
    summary: spec.summary,
    ...(spec.description && { description: spec.description }),
    ...(parameters.length > 0 && { parameters }),
    ...(spec.requestBody && { requestBody: spec.requestBody }),
    responses: sortedByStatus(responses),
    security: SECURITY[spec.access],
  };
}

function sortedByStatus(responses: ResponsesObject): ResponsesObject {
  return Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
}
