import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

/** Standard Webhooks' prefixes: `whpk_` for an ed25519 public key, `whsk_` for its secret (private) key. */
export const PUBLIC_KEY_PREFIX = 'whpk_';
export const PRIVATE_KEY_PREFIX = 'whsk_';

/** An ed25519 seed (the private scalar's source) and a raw public key are 32 bytes each. */
const KEY_BYTES = 32;

/** A subscription's key pair: the private key as stored (before encryption), the public key as published. */
export interface Ed25519KeyPair {
  /** `whsk_` + base64 of the 32-byte seed followed by the 32-byte public key (libsodium's layout); never leaves the service. */
  privateKey: string;
  /** `whpk_` + base64 of the 32-byte raw public key, what receivers verify `v1a` signatures with. */
  publicKey: string;
}

export function generateEd25519KeyPair(): Ed25519KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const { d, x } = privateKey.export({ format: 'jwk' });
  const secretKey = Buffer.concat([Buffer.from(d as string, 'base64url'), Buffer.from(x as string, 'base64url')]);
  return { privateKey: PRIVATE_KEY_PREFIX + secretKey.toString('base64'), publicKey: formatPublicKey(publicKey) };
}

/**
 * The KeyObject of a stored private key. Parsing costs about as much as signing (OpenSSL 3 decoders;
 * from DER ~15x more than from a JWK, hence the JWK), so the worker parses each stored key once.
 */
export function parseEd25519PrivateKey(stored: string): KeyObject {
  const secretKey = Buffer.from(stored.startsWith(PRIVATE_KEY_PREFIX) ? stored.slice(PRIVATE_KEY_PREFIX.length) : '', 'base64');
  if (secretKey.length !== 2 * KEY_BYTES) throw new Error('A stored ed25519 private key must be whsk_ + base64 of 64 bytes.');
  const jwk = { kty: 'OKP', crv: 'Ed25519', d: secretKey.subarray(0, KEY_BYTES).toString('base64url'), x: secretKey.subarray(KEY_BYTES).toString('base64url') };
  return createPrivateKey({ key: jwk, format: 'jwk' });
}

/** `whpk_` + base64 of the raw public key of an ed25519 key (either half of the pair). */
export function formatPublicKey(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const { x } = publicKey.export({ format: 'jwk' });
  return PUBLIC_KEY_PREFIX + Buffer.from(x as string, 'base64url').toString('base64');
}
