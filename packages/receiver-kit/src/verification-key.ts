import { createPublicKey, type KeyObject } from 'node:crypto';

/** Standard Webhooks' prefix for an ed25519 public key: `whpk_` + base64 of the 32 raw key bytes. */
export const PUBLIC_KEY_PREFIX = 'whpk_';
const ED25519_PUBLIC_KEY_BYTES = 32;

/**
 * What verifyWebhook checks signatures with: an HMAC secret (`whsec_…`, a channel token, any string), or an
 * ed25519 public key (`whpk_…`), which verifies `v1a` signatures only and cannot sign.
 */
export type VerificationKey = { kind: 'hmac'; secret: string } | { kind: 'ed25519'; publicKey: KeyObject };

/** Reads the secret or public key a receiver was given; a malformed one is a programming error (TypeError), not a bad delivery. */
export function verificationKey(secretOrPublicKey: string): VerificationKey {
  if (typeof secretOrPublicKey !== 'string' || secretOrPublicKey.length === 0) {
    throw new TypeError('Webhook verification needs a non-empty secret or whpk_ public key.');
  }
  if (!secretOrPublicKey.startsWith(PUBLIC_KEY_PREFIX)) return { kind: 'hmac', secret: secretOrPublicKey };
  return { kind: 'ed25519', publicKey: parsePublicKey(secretOrPublicKey.slice(PUBLIC_KEY_PREFIX.length)) };
}

/** The text after `whpk_` must be the canonical base64 (padding optional) of exactly 32 bytes. */
function parsePublicKey(encoded: string): KeyObject {
  const raw = Buffer.from(encoded, 'base64');
  if (raw.length !== ED25519_PUBLIC_KEY_BYTES || raw.toString('base64').replace(/=+$/, '') !== encoded.replace(/=+$/, '')) {
    throw new TypeError(`A ${PUBLIC_KEY_PREFIX} public key must be the base64 of ${ED25519_PUBLIC_KEY_BYTES} bytes.`);
  }
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}

/** `whpk_<base64 of the raw public key>` for an ed25519 key pair (either half), as Hookline publishes it. */
export function formatPublicKey(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new TypeError('formatPublicKey needs an ed25519 key.');
  const { x } = publicKey.export({ format: 'jwk' });
  return `${PUBLIC_KEY_PREFIX}${Buffer.from(x as string, 'base64url').toString('base64')}`;
}
