import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { OpenAPIObject, ReferenceObject, ResponseObject } from '@nestjs/swagger';

const DOCUMENT_ID = 'hookline-openapi';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Validates values against the schemas of an OpenAPI 3.0 document with ajv. Objects that list
 * their properties are closed (additionalProperties: false) for the check, so a field the API
 * sends or takes without the document naming it fails the test; the published document stays open.
 */
export class OpenApiSchemaValidator {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly document: OpenAPIObject) {
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: DOCUMENT_ID, components: { schemas: closeObjects(document.components?.schemas as Json) } });
  }

  /** The problems of `value` against `schema` (a schema of the document, refs included); empty when it fits. */
  problems(schema: unknown, value: unknown): string[] {
    const key = JSON.stringify(schema);
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(absoluteRefs(closeObjects(schema as Json)) as object);
      this.compiled.set(key, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((error) => `${error.instancePath || '(root)'} ${error.message} ${JSON.stringify(error.params)}`);
  }

  /** A response or other component, following one `$ref` (components.responses, .parameters). */
  resolve<T>(item: T | ReferenceObject): T {
    const ref = (item as ReferenceObject).$ref;
    if (!ref) return item as T;
    const [, section, name] = /^#\/components\/(\w+)\/(.+)$/.exec(ref) ?? [];
    const target = (this.document.components as Record<string, Record<string, unknown>> | undefined)?.[section]?.[name];
    if (!target) throw new Error(`Unresolvable $ref ${ref}`);
    return target as T;
  }

  /** The documented response of an operation for a status, or undefined when that status is not documented. */
  response(method: string, path: string, status: number): ResponseObject | undefined {
    const operation = this.document.paths[path]?.[method.toLowerCase() as 'get'];
    if (!operation) throw new Error(`${method} ${path} is not in the document`);
    const response = operation.responses[String(status)];
    return response ? this.resolve<ResponseObject>(response) : undefined;
  }
}

function closeObjects(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (schema === null || typeof schema !== 'object') return schema;
  const copy: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(schema)) {
    // Examples are data, not schemas: leave them as they are.
    copy[key] = key === 'example' ? value : closeObjects(value);
  }
  if (copy.type === 'object' && copy.properties && copy.additionalProperties === undefined) copy.additionalProperties = false;
  return copy;
}

function absoluteRefs(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(absoluteRefs);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith('#/') ? `${DOCUMENT_ID}${value}` : absoluteRefs(value),
    ]),
  );
}
