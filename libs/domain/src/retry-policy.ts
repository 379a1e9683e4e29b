export interface RetryPolicy {
  baseMs: number;
  factor: number;
  maxDelayMs: number;
}

/**
 * Delay before attempt `failedAttempt + 1`: base * factor^(n-1), jittered ±20%, then capped.
 * A Retry-After from the receiver (429/503) replaces the computed delay, still under the cap.
 */
export function retryDelayMs(policy: RetryPolicy, failedAttempt: number, retryAfterMs?: number, random = Math.random): number {
  if (retryAfterMs !== undefined && retryAfterMs >= 0) return Math.min(retryAfterMs, policy.maxDelayMs);
  const exponential = policy.baseMs * Math.pow(policy.factor, Math.max(0, failedAttempt - 1));
  const jittered = exponential * (0.8 + 0.4 * random());
  return Math.round(Math.min(jittered, policy.maxDelayMs));
}

/** Parses a Retry-After header (delta seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
