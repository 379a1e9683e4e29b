import { createHash, randomBytes } from 'node:crypto';

/** A new API key; only its hash is stored. */
export function generateApiKey(): string {
  return `hk_${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Portal session tokens are stored like API keys: their SHA-256 only. */
export const hashPortalToken = hashApiKey;
