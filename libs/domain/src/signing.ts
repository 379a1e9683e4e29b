import { createHmac, randomBytes, sign, type KeyObject } from 'node:crypto';

/** How a subscription signs: HMAC-SHA256 with a shared secret (`v1`), or ed25519 with a key pair (`v1a`). */
export const SIGNATURE_SCHEMES = ['hmac', 'ed25519'] as const;
export type SignatureScheme = (typeof SIGNATURE_SCHEMES)[number];

/** A key deliveries are signed with; an ed25519 private key already parsed (see the worker's SigningKeys). */
export type SigningKey = { scheme: 'hmac'; secret: string } | { scheme: 'ed25519'; privateKey: KeyObject };

/** A new subscription secret in the Standard Webhooks format: whsec_ + base64 of 24 random bytes. */
export function generateSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** The HMAC key of a secret: the decoded remainder of a whsec_ secret, else the secret's UTF-8 bytes. */
export function signingKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
}

/** Standard Webhooks signature: "v1," + base64 HMAC-SHA256 over "<id>.<timestamp>.<body>". */
export function standardSignature(secret: string, webhookId: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', signingKey(secret)).update(`${webhookId}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** Standard Webhooks asymmetric signature: "v1a," + base64 ed25519 signature of "<id>.<timestamp>.<body>". */
export function ed25519Signature(privateKey: KeyObject, webhookId: string, timestampSeconds: number, body: string): string {
  return `v1a,${sign(null, Buffer.from(`${webhookId}.${timestampSeconds}.${body}`, 'utf8'), privateKey).toString('base64')}`;
}

/** Elan-style body signature: "sha256=" + hex HMAC-SHA256 over the raw body. */
export function bodySignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', signingKey(secret)).update(body).digest('hex')}`;
}

export interface SignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
  /** A body HMAC: only when the current key is an HMAC secret. */
  'X-Webhook-Signature'?: string;
}

/**
 * The signature headers of one attempt. With `previous` (rotation grace period) webhook-signature carries
 * both signatures, space-separated and the current one first, as the Standard Webhooks spec allows;
 * the two keys may be of different schemes after a change of signature_scheme.
 */
export function signatureHeaders(current: SigningKey, webhookId: string, timestampSeconds: number, body: string, previous?: SigningKey): SignatureHeaders {
  const signWith = (key: SigningKey) =>
    key.scheme === 'hmac'
      ? standardSignature(key.secret, webhookId, timestampSeconds, body)
      : ed25519Signature(key.privateKey, webhookId, timestampSeconds, body);
  const headers: SignatureHeaders = {
    'webhook-id': webhookId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': previous ? `${signWith(current)} ${signWith(previous)}` : signWith(current),
  };
  if (current.scheme === 'hmac') headers['X-Webhook-Signature'] = bodySignature(current.secret, body);
  return headers;
}
