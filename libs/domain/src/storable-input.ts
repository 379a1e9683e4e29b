/** What PostgreSQL can store: text without NUL, jsonb without unpaired surrogates, sane nesting. */
import type { ErrorDetail } from './errors';

export const TEXT_PROBLEM = 'contains a NUL character or an unpaired UTF-16 surrogate, which cannot be stored';
/** An unpaired UTF-16 surrogate: JSON.parse lets it through, PostgreSQL's jsonb does not. */
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Deepest nesting accepted, counting the event itself as level 1 (the HTTP intake's MAX_JSON_DEPTH). */
export const MAX_JSON_DEPTH = 100;

/** PostgreSQL text cannot hold NUL, and jsonb refuses unpaired surrogates. */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && !UNPAIRED_SURROGATE.test(text);
}

/**
 * Why a JSON value at nesting level `level` cannot be stored (too deep, or text PostgreSQL refuses,
 * in a value or a key), or null. Walks without recursion, so deep input cannot overflow the stack.
 */
export function unstorableJsonProblem(value: unknown, level = 1): string | null {
  const pending: Array<[unknown, number]> = [[value, level]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop() as [unknown, number];
    if (typeof current === 'string') {
      if (!isStorableText(current)) return TEXT_PROBLEM;
    } else if (typeof current === 'object' && current !== null) {
      if (depth > MAX_JSON_DEPTH) return `is nested too deeply (at most ${MAX_JSON_DEPTH} levels)`;
      for (const [key, item] of Object.entries(current)) {
        if (!isStorableText(key)) return TEXT_PROBLEM;
        pending.push([item, depth + 1]);
      }
    }
  }
  return null;
}

/**
 * Like unstorableJsonProblem for an object's fields, naming the field at fault: its problem as an
 * error detail (`{ field: "name", message: "name contains a NUL character…" }`), or null. A key that
 * cannot be stored is named JSON-escaped. Walks again only when the quick check found a problem.
 */
export function unstorableField(value: unknown, level = 1): { problem: string; detail?: ErrorDetail } | null {
  const problem = unstorableJsonProblem(value, level);
  if (problem === null) return null;
  if (typeof value === 'object' && value !== null && level <= MAX_JSON_DEPTH) {
    for (const [key, item] of Object.entries(value)) {
      const field = isStorableText(key) ? key : JSON.stringify(key).slice(1, -1);
      const own = isStorableText(key) ? unstorableJsonProblem(item, level + 1) : TEXT_PROBLEM;
      if (own !== null) return { problem, detail: { field, message: `${field} ${own}` } };
    }
  }
  // A scalar that cannot be stored (a JSON string as the whole body) has no field to name.
  return { problem };
}
