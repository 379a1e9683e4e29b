import type { FilterCondition, FilterNode, ParsedFilter } from './filter-syntax';

/** What a filter sees of an event: the envelope fields a receiver gets, absent ones left out. */
export type FilterSubject = Readonly<Record<string, unknown>>;
export type FilterPredicate = (subject: FilterSubject) => boolean;

export interface FilterableEvent {
  eventType: string;
  data: unknown;
  channel: string | null;
  callId: string | null;
  workflowId: string | null;
}

/** The envelope fields a filter can name; like the delivered envelope, unset ones are absent (not null). */
export function filterSubject(event: FilterableEvent): FilterSubject {
  const subject: Record<string, unknown> = { event_type: event.eventType, data: event.data };
  if (event.channel != null) subject.channel = event.channel;
  if (event.callId != null) subject.call_id = event.callId;
  if (event.workflowId != null) subject.workflow_id = event.workflowId;
  return subject;
}

/**
 * Turns a parsed filter into a predicate of closures, so evaluating it per event walks no syntax:
 * paths are pre-split, `$in` operands are pre-hashed. Comparisons are type-strict: values of
 * different JSON types are never equal nor ordered (`"5"` ≠ `5`; `$gt` between a number and a string
 * is false); strings order by UTF-16 code units.
 */
export function compileFilter(filter: ParsedFilter): FilterPredicate {
  return compileNode(filter.root);
}

function compileNode(node: FilterNode): FilterPredicate {
  switch (node.kind) {
    case 'and': {
      const parts = node.nodes.map(compileNode);
      return (subject) => {
        for (const part of parts) if (!part(subject)) return false;
        return true;
      };
    }
    case 'or': {
      const parts = node.nodes.map(compileNode);
      return (subject) => {
        for (const part of parts) if (part(subject)) return true;
        return false;
      };
    }
    case 'not': {
      const inner = compileNode(node.node);
      return (subject) => !inner(subject);
    }
    case 'condition': {
      const read = pathReader(node.condition.segments);
      const test = valueTest(node.condition);
      return (subject) => test(read(subject));
    }
  }
}

type ValueTest = (value: unknown) => boolean;

function valueTest({ operator, operand }: FilterCondition): ValueTest {
  switch (operator) {
    case '$eq':
      return equalsTest(operand);
    case '$ne': {
      const equals = equalsTest(operand);
      return (value) => !equals(value);
    }
    case '$in':
      return membershipTest(operand as unknown[]);
    case '$nin': {
      const isMember = membershipTest(operand as unknown[]);
      return (value) => !isMember(value);
    }
    case '$exists':
      return operand === true ? (value) => value !== undefined : (value) => value === undefined;
    case '$startsWith': {
      const prefix = operand as string;
      return (value) => typeof value === 'string' && value.startsWith(prefix);
    }
    case '$gt':
      return orderTest(operand as number | string, (value, bound) => value > bound);
    case '$gte':
      return orderTest(operand as number | string, (value, bound) => value >= bound);
    case '$lt':
      return orderTest(operand as number | string, (value, bound) => value < bound);
    case '$lte':
      return orderTest(operand as number | string, (value, bound) => value <= bound);
  }
}

function orderTest<T extends number | string>(bound: T, compare: (value: T, bound: T) => boolean): ValueTest {
  const type = typeof bound;
  return (value) => typeof value === type && compare(value as T, bound);
}

function equalsTest(operand: unknown): ValueTest {
  if (isScalar(operand)) return (value) => value === operand;
  return (value) => jsonEquals(value, operand);
}

/** Scalars go into a Set (SameValueZero is `===` for JSON scalars); objects and arrays are compared deeply. */
function membershipTest(operand: readonly unknown[]): ValueTest {
  const scalars = new Set(operand.filter(isScalar));
  const structured = operand.filter((item) => !isScalar(item));
  if (structured.length === 0) return (value) => scalars.has(value);
  return (value) => (isScalar(value) ? scalars.has(value) : structured.some((item) => jsonEquals(value, item)));
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

/** Deep, type-strict equality of two JSON values (key order does not matter). */
export function jsonEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => jsonEquals(item, b[index]));
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && jsonEquals((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/** A canonical array index: `0`, `12`, not `01` or `-1`. */
const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/;

type Step = (value: unknown) => unknown;

/**
 * Reads a dot path: a numeric segment indexes an array, any segment names an own property of an
 * object. Each segment becomes one small function, chosen when compiling, so reading walks no syntax.
 */
function pathReader(segments: readonly string[]): (subject: FilterSubject) => unknown {
  const steps = segments.map(stepFor);
  if (steps.length === 1) return steps[0];
  if (steps.length === 2) {
    const [first, second] = steps;
    return (subject) => second(first(subject));
  }
  return (subject) => {
    let value: unknown = subject;
    for (let index = 0; index < steps.length && value !== undefined; index++) value = steps[index](value);
    return value;
  };
}

function stepFor(key: string): Step {
  const index = ARRAY_INDEX.test(key) ? Number(key) : null;
  // Own properties only: `data.constructor` or `data.__proto__` must not reach Object.prototype.
  // JSON objects inherit nothing else, so other names can be read directly (the common, fast case).
  const inherited = key in Object.prototype;
  return (value) => {
    if (typeof value !== 'object' || value === null) return undefined;
    if (Array.isArray(value)) return index === null ? undefined : (value as unknown[])[index];
    if (inherited && !Object.hasOwn(value, key)) return undefined;
    return (value as Record<string, unknown>)[key];
  };
}
