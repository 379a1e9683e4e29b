import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether a /metrics request may read the metrics: always without METRICS_TOKEN, otherwise only
 * with `Authorization: Bearer <METRICS_TOKEN>` (compared in constant time).
 */
export function metricsAccessAllowed(authorization: string | undefined, metricsToken: string | undefined): boolean {
  if (!metricsToken) return true;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match !== null && sameSecret(match[1], metricsToken);
}

function sameSecret(given: string, expected: string): boolean {
  // Hashing first gives equal lengths, so timingSafeEqual does not reveal the token's length.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export const METRICS_UNAUTHORIZED = {
  error: 'unauthorized',
  message: 'This endpoint needs "Authorization: Bearer <METRICS_TOKEN>".',
} as const;
