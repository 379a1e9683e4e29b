/**
 * The first error in `error`'s chain that `matches`: the error itself, its `cause`s and the `errors`
 * of an AggregateError (net's Happy Eyeballs), as node:http, fetch and net wrap a socket's error.
 * Safe on cycles and on anything thrown that is not an object.
 */
export function findInErrorChain(error: unknown, matches: (candidate: object) => boolean): Error | undefined {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    seen.add(current);
    if (matches(current)) return current as Error;
    pending.push((current as { cause?: unknown }).cause);
    const inner = (current as { errors?: unknown }).errors;
    if (Array.isArray(inner)) pending.push(...(inner as unknown[]));
  }
  return undefined;
}
