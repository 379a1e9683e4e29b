import { isJsonObject } from '../json-object';

export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

/** The JSON types a value at a path may have; `any` when the schema does not say. */
export type PathTypes = ReadonlySet<JsonType> | 'any';

/**
 * Walking a schema visits at most this many subschemas per path; past it the answer is `any`
 * (accepting) rather than a slow save. Catalog schemas are a few hundred nodes at most.
 */
const MAX_STEPS = 10_000;

const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/;
const OBJECT_KEYWORDS = ['properties', 'patternProperties', 'additionalProperties', 'required'];
const ARRAY_KEYWORDS = ['items', 'prefixItems', 'additionalItems'];
const OWN_KEYWORDS = ['type', 'enum', 'const', ...OBJECT_KEYWORDS, ...ARRAY_KEYWORDS];

/**
 * What a JSON Schema allows at a path below the value it describes: null when no valid value can
 * have it, else the types the value there may take. Follows `properties`, `patternProperties`,
 * `items`/`prefixItems`/`additionalItems`, local `$ref`s (`#/…`), `allOf` (every branch applies),
 * `anyOf`/`oneOf` (some branch applies) and `then`/`else`. An object whose `additionalProperties`
 * is not false accepts any further path; anything the walk cannot read (a remote `$ref`) accepts too.
 */
export function schemaPathTypes(schema: unknown, segments: readonly string[]): PathTypes | null {
  return new SchemaWalk(schema).resolve(schema, segments, 0, new Set());
}

class SchemaWalk {
  private steps = 0;

  constructor(private readonly root: unknown) {}

  /** `seen` holds the subschemas being walked at this segment (the current chain), so `$ref` cycles end. */
  resolve(node: unknown, segments: readonly string[], at: number, seen: Set<unknown>): PathTypes | null {
    if (node === true || node === undefined) return 'any';
    if (node === false) return null;
    if (!isJsonObject(node) || ++this.steps > MAX_STEPS) return 'any';
    if (seen.has(node)) return 'any'; // a cycle adds no constraint
    seen.add(node);

    // Every part of a schema applies at once: its own keywords, its $ref, each allOf branch.
    const parts: Array<PathTypes | null> = [];
    if (OWN_KEYWORDS.some((keyword) => keyword in node)) parts.push(this.own(node, segments, at));
    if (typeof node.$ref === 'string') parts.push(this.resolve(this.refTarget(node.$ref), segments, at, seen));
    for (const branch of arrayOf(node.allOf)) parts.push(this.resolve(branch, segments, at, seen));
    for (const keyword of ['anyOf', 'oneOf'] as const) {
      if (Array.isArray(node[keyword])) parts.push(unionOf(node[keyword].map((branch) => this.resolve(branch, segments, at, seen))));
    }
    // `if` chooses between them; either may be the one that applies.
    if ('then' in node || 'else' in node) parts.push(unionOf([this.resolve(node.then, segments, at, seen), this.resolve(node.else, segments, at, seen)]));
    seen.delete(node);
    return intersectionOf(parts);
  }

  /** What the node's own keywords (type, properties, items, …) allow. */
  private own(node: Record<string, unknown>, segments: readonly string[], at: number): PathTypes | null {
    const declared = declaredTypes(node);
    if (at === segments.length) return declared;
    const segment = segments[at];
    const found: Array<PathTypes | null> = [];
    if (mayBe(node, declared, 'object', OBJECT_KEYWORDS)) found.push(this.below(propertySchema(node, segment), segments, at));
    if (ARRAY_INDEX.test(segment) && mayBe(node, declared, 'array', ARRAY_KEYWORDS)) found.push(this.below(itemSchema(node, Number(segment)), segments, at));
    return unionOf(found);
  }

  private below(schemas: unknown[], segments: readonly string[], at: number): PathTypes | null {
    return intersectionOf(schemas.map((schema) => this.resolve(schema, segments, at + 1, new Set())));
  }

  /** A local reference (`#`, `#/$defs/money`); an unreadable one is a schema that allows anything. */
  private refTarget(ref: string): unknown {
    if (!ref.startsWith('#')) return true;
    if (ref === '#') return this.root;
    if (!ref.startsWith('#/')) return true; // an anchor name
    let target: unknown = this.root;
    for (const raw of ref.slice(2).split('/')) {
      let token: string;
      try {
        token = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      } catch {
        return true;
      }
      if (typeof target !== 'object' || target === null || !Object.hasOwn(target, token)) return true;
      target = (target as Record<string, unknown>)[token];
    }
    return target;
  }
}

/** The schemas a property of an object node must satisfy (`true` when any value goes). */
function propertySchema(node: Record<string, unknown>, key: string): unknown[] {
  const schemas: unknown[] = [];
  if (isJsonObject(node.properties) && Object.hasOwn(node.properties, key)) schemas.push(node.properties[key]);
  if (isJsonObject(node.patternProperties)) {
    for (const [pattern, schema] of Object.entries(node.patternProperties)) if (patternMatches(pattern, key)) schemas.push(schema);
  }
  if (schemas.length > 0) return schemas;
  return [node.additionalProperties === undefined ? true : node.additionalProperties];
}

/** The schema of an array node's item at `index`, drafts 04-2019 (`items` as a tuple) and 2020-12 (`prefixItems`). */
function itemSchema(node: Record<string, unknown>, index: number): unknown[] {
  if (Array.isArray(node.prefixItems)) return [index < node.prefixItems.length ? node.prefixItems[index] : node.items];
  if (Array.isArray(node.items)) return [index < node.items.length ? node.items[index] : node.additionalItems];
  return [node.items];
}

function patternMatches(pattern: string, key: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(key);
  } catch {
    return true; // ajv refused such a schema at save; if one slipped through, do not refuse the filter for it
  }
}

/** Whether the node may be a value of `type`: declared so, or undeclared with none of the other kind's keywords. */
function mayBe(node: Record<string, unknown>, declared: PathTypes, type: JsonType, keywords: readonly string[]): boolean {
  if (declared !== 'any') return declared.has(type);
  const otherKeywords = type === 'object' ? ARRAY_KEYWORDS : OBJECT_KEYWORDS;
  return keywords.some((keyword) => keyword in node) || !otherKeywords.some((keyword) => keyword in node);
}

function declaredTypes(node: Record<string, unknown>): PathTypes {
  if (typeof node.type === 'string') return new Set([node.type as JsonType]);
  if (Array.isArray(node.type)) return new Set(node.type.filter((type): type is JsonType => typeof type === 'string'));
  if ('const' in node) return new Set([jsonTypeOf(node.const)]);
  if (Array.isArray(node.enum)) return new Set(node.enum.map(jsonTypeOf));
  return 'any';
}

function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Some of `options` applies: a path is allowed when one allows it. */
export function unionOf(options: ReadonlyArray<PathTypes | null>): PathTypes | null {
  let union: Set<JsonType> | null = null;
  for (const option of options) {
    if (option === null) continue;
    if (option === 'any') return 'any';
    union = new Set([...(union ?? []), ...option]);
  }
  return union;
}

/** All of `parts` apply: a path is allowed when each allows it, with the types they share. */
function intersectionOf(parts: ReadonlyArray<PathTypes | null>): PathTypes | null {
  let shared: PathTypes = 'any';
  for (const part of parts) {
    if (part === null) return null;
    if (part === 'any') continue;
    shared = shared === 'any' ? part : commonTypes(shared, part);
  }
  return shared !== 'any' && shared.size === 0 ? null : shared;
}

/** Types in both sets; an integer is also a number. */
function commonTypes(a: ReadonlySet<JsonType>, b: ReadonlySet<JsonType>): Set<JsonType> {
  const has = (set: ReadonlySet<JsonType>, type: JsonType) => set.has(type) || (type === 'integer' && set.has('number'));
  return new Set([...a].filter((type) => has(b, type)).concat([...b].filter((type) => has(a, type))));
}
