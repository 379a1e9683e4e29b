import type { ErrorDetail } from '../errors';
import { SystemEventType, matchesEventType } from '../event-matching';
import type { EventSchema } from '../event-schema';
import { ORDERING_OPERATORS, type FilterCondition, type ParsedFilter } from './filter-syntax';
import { schemaPathTypes, unionOf, type JsonType, type PathTypes } from './schema-path-types';

/** An event type a subscription can receive, with its catalog schema (null: none, so nothing to check against). */
export interface ReceivableEventType {
  name: string;
  schema: EventSchema | null;
}

/**
 * The event types a subscription's `events` can receive, wildcards expanded against the catalog's
 * names. Named types are kept whether registered or not (an unregistered one has no schema);
 * `webhook.test` is left out because test events bypass filters.
 */
export function receivableEventTypes(events: readonly string[], catalogNames: readonly string[]): string[] {
  const names = new Set<string>();
  for (const filter of events) {
    if (filter === '*' || filter.endsWith('.*')) {
      for (const name of catalogNames) if (matchesEventType(filter, name)) names.add(name);
    } else {
      names.add(filter);
    }
  }
  names.delete(SystemEventType.Test);
  return [...names];
}

const ORDERED_TYPES: readonly JsonType[] = ['number', 'integer', 'string'];

/**
 * Where a filter disagrees with the schemas of the types it will see: a `data.…` path that no schema
 * has, or an operator that can never be true for the types a schema gives the path (`$gt` on a
 * boolean, `$startsWith` on a number). A type without a schema allows every path, so when one of the
 * receivable types has none, paths are unchecked (their values are unknown).
 */
export function filterSchemaProblems(filter: ParsedFilter, types: readonly ReceivableEventType[]): ErrorDetail[] {
  if (types.length === 0) return [];
  const details: ErrorDetail[] = [];
  for (const condition of filter.conditions) {
    if (condition.segments[0] !== 'data') continue;
    const dataPath = condition.segments.slice(1);
    const found = types.map((type) => (type.schema === null ? 'any' : schemaPathTypes(type.schema, dataPath)));
    const pathTypes = unionOf(found);
    if (pathTypes === null) {
      details.push({ field: condition.field, message: `${condition.path} is not in the schema of ${typeList(types)}` });
      continue;
    }
    const problem = operatorProblem(
      condition,
      pathTypes,
      types.filter((_, index) => found[index] !== null),
    );
    if (problem) details.push({ field: condition.operatorField, message: problem });
  }
  return details;
}

function operatorProblem(condition: FilterCondition, pathTypes: PathTypes, having: readonly ReceivableEventType[]): string | null {
  if (pathTypes === 'any') return null;
  const { operator, path } = condition;
  const where = `${path} is ${[...pathTypes].join(' or ')} in the schema of ${typeList(having)}`;
  if (ORDERING_OPERATORS.has(operator) && !ORDERED_TYPES.some((type) => pathTypes.has(type))) {
    return `${operator} compares numbers or strings, but ${where}`;
  }
  if (operator === '$startsWith' && !pathTypes.has('string')) return `$startsWith compares strings, but ${where}`;
  return null;
}

/** `order.paid`, or `any of order.paid, order.refunded` (the first few names). */
function typeList(types: readonly ReceivableEventType[]): string {
  const names = types.map((type) => type.name);
  if (names.length === 1) return names[0];
  const shown = names.slice(0, 5).join(', ');
  return `any of ${shown}${names.length > 5 ? ` and ${names.length - 5} more` : ''}`;
}
