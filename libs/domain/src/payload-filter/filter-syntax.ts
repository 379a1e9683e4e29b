/**
 * The payload filter language: one JSON object in the style of MongoDB queries, whose keys are dot
 * paths into the envelope a receiver gets (`data.items.0.sku`) or the combinators `$and`, `$or`,
 * `$not`. This file names its parts; parse-filter.ts checks a filter, compile-filter.ts runs it.
 */

/**
 * Limits that keep a filter cheap to check and to run at fan-out: a filter is evaluated once per
 * event per subscription, so its cost is bounded by the number of conditions, not by the event.
 */
export const FILTER_LIMITS = {
  /** Filters nested in $and / $or / $not, counting the filter itself as level 1. */
  maxDepth: 8,
  /** Path/operator pairs (a literal value counts as one `$eq`). */
  maxConditions: 64,
  /** The filter serialized as JSON, in bytes. */
  maxBytes: 4096,
} as const;

/** Envelope fields a path may start with; only `data` has fields below it. */
export const FILTER_ROOT_FIELDS = ['event_type', 'channel', 'call_id', 'workflow_id', 'data'] as const;

export const FILTER_OPERATORS = ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists', '$startsWith'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** Operators that compare by order: meaningful between two numbers or two strings only. */
export const ORDERING_OPERATORS: ReadonlySet<FilterOperator> = new Set(['$gt', '$gte', '$lt', '$lte']);

export const FILTER_COMBINATORS = ['$and', '$or', '$not'] as const;

/** One path compared by one operator. */
export interface FilterCondition {
  /** Where the path sits in the filter, for error details: `filter.$or.1.data.amount`. */
  field: string;
  /** Where the operator sits: `field.$gt`, or `field` itself for a literal (an implicit `$eq`). */
  operatorField: string;
  /** The path as written: `data.amount`. */
  path: string;
  segments: readonly string[];
  operator: FilterOperator;
  operand: unknown;
}

export type FilterNode =
  | { kind: 'and'; nodes: FilterNode[] }
  | { kind: 'or'; nodes: FilterNode[] }
  | { kind: 'not'; node: FilterNode }
  | { kind: 'condition'; condition: FilterCondition };

/** A filter that passed every syntactic check, with its conditions listed for the schema check. */
export interface ParsedFilter {
  root: FilterNode;
  conditions: readonly FilterCondition[];
}
