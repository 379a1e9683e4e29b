/** Deepest JSON nesting a request body may have; deeper ones would overflow recursive copiers. */
export const MAX_JSON_DEPTH = 100;

const NUL = '\u0000';
/** A UTF-16 surrogate without its partner: JSON.parse lets it through, PostgreSQL's jsonb does not. */
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const TEXT_PROBLEM = 'contains a NUL character or an unpaired UTF-16 surrogate, which cannot be stored';

/** PostgreSQL text cannot hold NUL, and jsonb refuses unpaired surrogates. */
export function isStorableText(text: string): boolean {
  return !text.includes(NUL) && !UNPAIRED_SURROGATE.test(text);
}

/**
 * Why a parsed JSON value cannot be accepted as it is (too deep, or text PostgreSQL refuses, in a
 * value or a key), or undefined. Walks without recursion, so a hostile body cannot overflow the stack.
 */
export function unstorableJsonProblem(value: unknown, what: string): string | undefined {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current === 'string') {
      if (!isStorableText(current)) return `${what} ${TEXT_PROBLEM}.`;
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth > MAX_JSON_DEPTH) return `${what} is nested too deeply (at most ${MAX_JSON_DEPTH} levels).`;
    for (const [key, child] of Object.entries(current)) {
      if (!isStorableText(key)) return `${what} ${TEXT_PROBLEM}.`;
      stack.push([child, depth + 1]);
    }
  }
  return undefined;
}
