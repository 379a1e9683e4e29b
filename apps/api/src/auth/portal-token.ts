import { randomBytes } from 'node:crypto';

const PORTAL_TOKEN_PREFIX = 'hps_';

/** A new portal session token; only its hash is stored (hashPortalToken). */
export function generatePortalToken(): string {
  return `${PORTAL_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** Portal tokens are told from API keys by their prefix. */
export function isPortalToken(credential: string): boolean {
  return credential.startsWith(PORTAL_TOKEN_PREFIX);
}
