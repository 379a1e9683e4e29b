import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares two signatures without leaking where they differ; their lengths are public anyway. */
export function signaturesEqual(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Compares two secrets without leaking their content nor their length: it compares their SHA-256 digests. */
export function secretsEqual(expected: string, received: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(received));
}
