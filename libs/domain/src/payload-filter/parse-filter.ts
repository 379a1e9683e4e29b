import type { ErrorDetail } from '../errors';
import { isJsonObject } from '../json-object';
import { unstorableJsonProblem } from '../storable-input';
import {
  FILTER_COMBINATORS,
  FILTER_LIMITS,
  FILTER_OPERATORS,
  FILTER_ROOT_FIELDS,
  ORDERING_OPERATORS,
  type FilterCondition,
  type FilterNode,
  type FilterOperator,
  type ParsedFilter,
} from './filter-syntax';

export type FilterParse = { ok: true; filter: ParsedFilter } | { ok: false; details: ErrorDetail[] };

/** More details than this tell the client nothing new. */
const MAX_DETAILS = 20;

const OPERATORS: ReadonlySet<string> = new Set(FILTER_OPERATORS);
const COMBINATORS: ReadonlySet<string> = new Set(FILTER_COMBINATORS);
const ROOT_FIELDS: ReadonlySet<string> = new Set(FILTER_ROOT_FIELDS);
const OPERATOR_LIST = FILTER_OPERATORS.join(', ');

/**
 * Checks a filter and turns it into a tree, or lists everything wrong with it; each detail's field
 * is the location inside the filter (`filter.$or.1.data.amount.$gt`). `field` names the filter itself.
 */
export function parseFilter(input: unknown, field = 'filter'): FilterParse {
  if (!isJsonObject(input)) return failed(field, 'must be a JSON object of conditions, e.g. {"data.amount": {"$gt": 100}}');
  // Size first: nothing else is worth walking in an oversized filter.
  const bytes = Buffer.byteLength(JSON.stringify(input));
  if (bytes > FILTER_LIMITS.maxBytes) return failed(field, `is ${bytes} bytes as JSON; at most ${FILTER_LIMITS.maxBytes} are allowed`);
  const unstorable = unstorableJsonProblem(input);
  if (unstorable) return failed(field, unstorable);

  const parser = new FilterParser();
  const root = parser.filter(input, field, 1);
  if (parser.conditions.length > FILTER_LIMITS.maxConditions) {
    parser.problem(field, `has ${parser.conditions.length} conditions; at most ${FILTER_LIMITS.maxConditions} are allowed`);
  }
  if (parser.details.length > 0) return { ok: false, details: parser.details.slice(0, MAX_DETAILS) };
  return { ok: true, filter: { root, conditions: parser.conditions } };
}

function failed(field: string, message: string): FilterParse {
  return { ok: false, details: [{ field, message }] };
}

/** Walks one filter, collecting its conditions and every problem found (not just the first). */
class FilterParser {
  readonly details: ErrorDetail[] = [];
  readonly conditions: FilterCondition[] = [];

  problem(field: string, message: string): void {
    this.details.push({ field, message });
  }

  filter(object: Record<string, unknown>, field: string, depth: number): FilterNode {
    if (depth > FILTER_LIMITS.maxDepth) {
      this.problem(field, `nests filters more than ${FILTER_LIMITS.maxDepth} levels deep`);
      return { kind: 'and', nodes: [] };
    }
    const keys = Object.keys(object);
    if (keys.length === 0) this.problem(field, 'must hold at least one condition');
    const nodes = keys.map((key) => this.entry(key, object[key], `${field}.${key}`, depth));
    return nodes.length === 1 ? nodes[0] : { kind: 'and', nodes };
  }

  private entry(key: string, value: unknown, field: string, depth: number): FilterNode {
    if (key === '$and' || key === '$or') return { kind: key === '$and' ? 'and' : 'or', nodes: this.filterList(value, field, depth) };
    if (key === '$not') {
      if (isJsonObject(value)) return { kind: 'not', node: this.filter(value, field, depth + 1) };
      this.problem(field, 'must be a filter (a JSON object)');
      return { kind: 'and', nodes: [] };
    }
    if (key.startsWith('$')) {
      const hint = OPERATORS.has(key) ? `; operators go below a path: {"data.amount": {"${key}": …}}` : '';
      this.problem(field, `unknown combinator ${key}; a filter's keys are $and, $or, $not or paths such as data.amount${hint}`);
      return { kind: 'and', nodes: [] };
    }
    return this.pathEntry(key, value, field);
  }

  private filterList(value: unknown, field: string, depth: number): FilterNode[] {
    if (!Array.isArray(value) || value.length === 0) {
      this.problem(field, 'must be a non-empty array of filters');
      return [];
    }
    return value.map((item, index) => {
      if (isJsonObject(item)) return this.filter(item, `${field}.${index}`, depth + 1);
      this.problem(`${field}.${index}`, 'must be a filter (a JSON object)');
      return { kind: 'and', nodes: [] };
    });
  }

  private pathEntry(path: string, value: unknown, field: string): FilterNode {
    const segments = path.split('.');
    if (!this.validPath(segments, field)) return { kind: 'and', nodes: [] };
    if (!isJsonObject(value)) return this.condition({ field, operatorField: field, path, segments, operator: '$eq', operand: value });

    const operators = Object.keys(value);
    const named = operators.filter((key) => key.startsWith('$'));
    if (operators.length === 0 || named.length !== operators.length) {
      this.problem(field, literalObjectMessage(named.length > 0));
      return { kind: 'and', nodes: [] };
    }
    const nodes = operators.map((operator) => {
      const operatorField = `${field}.${operator}`;
      const problem = operandProblem(operator, value[operator]);
      if (problem) {
        this.problem(operatorField, problem);
        return { kind: 'and', nodes: [] } satisfies FilterNode;
      }
      return this.condition({ field, operatorField, path, segments, operator: operator as FilterOperator, operand: value[operator] });
    });
    return nodes.length === 1 ? nodes[0] : { kind: 'and', nodes };
  }

  private validPath(segments: readonly string[], field: string): boolean {
    const [root] = segments;
    if (segments.some((segment) => segment === '')) {
      this.problem(field, 'is not a valid path: segments are separated by single dots, e.g. data.items.0.sku');
    } else if (!ROOT_FIELDS.has(root)) {
      this.problem(field, `unknown field "${root}": a path starts with ${FILTER_ROOT_FIELDS.join(', ')} (as in data.amount)`);
    } else if (root !== 'data' && segments.length > 1) {
      this.problem(field, `${root} is a string and has no fields below it`);
    } else {
      return true;
    }
    return false;
  }

  private condition(condition: FilterCondition): FilterNode {
    this.conditions.push(condition);
    return { kind: 'condition', condition };
  }
}

/** Why `operand` cannot follow `operator`, or null. */
function operandProblem(operator: string, operand: unknown): string | null {
  if (!OPERATORS.has(operator)) return unknownOperatorMessage(operator);
  if (ORDERING_OPERATORS.has(operator as FilterOperator)) {
    return typeof operand === 'number' || typeof operand === 'string' ? null : 'must be a number or a string';
  }
  switch (operator) {
    case '$in':
    case '$nin':
      return Array.isArray(operand) ? null : 'must be an array of values';
    case '$exists':
      return typeof operand === 'boolean' ? null : 'must be true or false';
    case '$startsWith':
      return typeof operand === 'string' ? null : 'must be a string';
    default:
      return null; // $eq and $ne compare with any JSON value
  }
}

function unknownOperatorMessage(operator: string): string {
  if (COMBINATORS.has(operator)) {
    return `${operator} combines filters, not operators: write it at the filter level, e.g. {"${operator}": …} around {"data.amount": {…}}`;
  }
  if (/^\$regexp?$/i.test(operator)) return `regular expressions are not supported; use $startsWith, $eq or $in (operators: ${OPERATOR_LIST})`;
  return `unknown operator ${operator}; use one of ${OPERATOR_LIST}`;
}

function literalObjectMessage(mixed: boolean): string {
  if (mixed) return 'mixes operators with field names: use either {"$op": value, …} or a dot path per field';
  return 'an object here is not a condition: use a dot path for nested fields (data.customer.tier) or {"$eq": {…}} to compare with a whole object';
}
