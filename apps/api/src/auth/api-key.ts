import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new API key; only its hash is stored. */
export function generateApiKey(): string {
  return `hk_${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Constant-time comparison of two secrets of any length. */
export function secretsEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}

/** Reads `Bearer <key>` or `Token <key>` from an Authorization header. */
export function credentialFrom(authorization: string | undefined): string | undefined {
  const match = /^(?:Bearer|Token)\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}
