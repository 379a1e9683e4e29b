import { createHash } from 'node:crypto';
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019';
import { Ajv2020 } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import draft06MetaSchema from 'ajv/dist/refs/json-schema-draft-06.json';
import type { ErrorDetail } from './errors';
import { LruCache } from './lru-cache';

/** A JSON Schema for an event type's `data`, as stored in the catalog. */
export type EventSchema = Record<string, unknown>;

/** Validates one event's `data`: null when it conforms, otherwise what is wrong with it. */
export type EventDataValidator = (data: unknown) => ErrorDetail[] | null;

export type CompiledEventSchema = { ok: true; validate: EventDataValidator } | { ok: false; details: ErrorDetail[] };

/** More details than this make an error body unreadable without telling the client anything new. */
export const MAX_SCHEMA_ERROR_DETAILS = 20;

const AJV_OPTIONS: Options = {
  // Schemas come from clients: unknown keywords are tolerated (as the JSON Schema spec asks) rather than refused.
  strict: false,
  allErrors: true,
  logger: false,
};

const DRAFT_2019_09 = /^https?:\/\/json-schema\.org\/draft\/2019-09\/schema#?$/;
const DRAFT_2020_12 = /^https?:\/\/json-schema\.org\/draft\/2020-12\/schema#?$/;

/**
 * A fresh ajv per schema: schemas of different organizations may reuse the same `$id`, and one shared
 * instance would refuse the second and keep every compiled schema forever. Its `$schema` picks the
 * draft; without one it is draft-07.
 */
function ajvFor(schema: EventSchema) {
  // `format` (email, date-time, uri, ...) is enforced, as producers describing data with it expect.
  return addFormats(newAjv(schema));
}

function newAjv(schema: EventSchema): Ajv {
  const declared = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (DRAFT_2020_12.test(declared)) return new Ajv2020(AJV_OPTIONS);
  if (DRAFT_2019_09.test(declared)) return new Ajv2019(AJV_OPTIONS);
  const ajv = new Ajv(AJV_OPTIONS);
  ajv.addMetaSchema(draft06MetaSchema);
  return ajv;
}

/** Compiles a JSON Schema, or says (as error details) why it is not a usable one. */
export function compileEventSchema(schema: EventSchema): CompiledEventSchema {
  const ajv = ajvFor(schema);
  let validate: ValidateFunction;
  try {
    if (!ajv.validateSchema(schema)) {
      return { ok: false, details: toDetails(ajv.errors ?? [], 'schema') };
    }
    validate = ajv.compile(schema);
  } catch (error) {
    // Unresolvable $ref, an invalid regular expression in `pattern`, an unknown `$schema`, ...
    return { ok: false, details: [{ field: 'schema', message: (error as Error).message }] };
  }
  if ((validate as { $async?: boolean }).$async) {
    return { ok: false, details: [{ field: 'schema', message: 'async schemas ($async) are not supported' }] };
  }
  return {
    ok: true,
    validate: (data) => (validate(data) ? null : toDetails(validate.errors ?? [])),
  };
}

/** Why `schema` is not a usable JSON Schema, or null when it is. */
export function jsonSchemaProblems(schema: EventSchema): ErrorDetail[] | null {
  const compiled = compileEventSchema(schema);
  return compiled.ok ? null : compiled.details;
}

/** A stable key for a stored schema (PostgreSQL's jsonb keeps its keys in one canonical order). */
export function eventSchemaHash(schema: EventSchema): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex');
}

/**
 * Compiled validators keyed by schema hash, least recently used evicted first: compiling takes
 * milliseconds, validating microseconds, and the intake validates every event of a typed event type.
 */
export class EventSchemaCache {
  private readonly validators: LruCache<string, EventDataValidator>;

  constructor(maxEntries = 1000) {
    this.validators = new LruCache(maxEntries);
  }

  /** The validator of a schema already known to be valid (one from the catalog). */
  validatorFor(schema: EventSchema): EventDataValidator {
    return this.validators.getOrCreate(eventSchemaHash(schema), () => {
      const compiled = compileEventSchema(schema);
      // A stored schema that no longer compiles (a draft this version cannot read) must not block
      // intake: its events are refused with the reason rather than accepted unchecked.
      return compiled.ok ? compiled.validate : () => compiled.details;
    });
  }

  get size(): number {
    return this.validators.size;
  }
}

/** One line for logs and rejected events: the first few violations, e.g. `/amount must be number`. */
export function describeSchemaViolations(details: readonly ErrorDetail[]): string {
  const shown = details.slice(0, 5).map((detail) => `${detail.field || '(root)'} ${detail.message}`);
  const more = details.length > shown.length ? ` (and ${details.length - shown.length} more)` : '';
  return shown.join('; ') + more;
}

function toDetails(errors: readonly ErrorObject[], prefix = ''): ErrorDetail[] {
  return errors.slice(0, MAX_SCHEMA_ERROR_DETAILS).map((error) => ({
    field: prefix + pointerOf(error),
    message: error.message ?? `fails "${error.keyword}"`,
    keyword: error.keyword,
    params: error.params,
  }));
}

/** The JSON Pointer of the offending value; for a missing or extra property, the property itself. */
function pointerOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const property = params.missingProperty ?? params.additionalProperty ?? params.unevaluatedProperty;
  if (typeof property !== 'string') return error.instancePath;
  return `${error.instancePath}/${property.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}
