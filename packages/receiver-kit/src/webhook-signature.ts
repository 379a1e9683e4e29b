import { createHmac, sign, type KeyObject } from 'node:crypto';

/** The Standard Webhooks headers of one signed delivery (a type alias, so it passes where a header record is expected). */
export type StandardWebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/** The HMAC key of a secret: the base64-decoded remainder of a `whsec_` secret, else the secret's UTF-8 bytes. */
export function signingKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
}

/** What both Standard Webhooks signatures (v1 HMAC and v1a ed25519) cover: the bytes of `<id>.<timestamp>.<body>`. */
export function signedContent(webhookId: string, timestampSeconds: number | string, body: string | Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${webhookId}.${timestampSeconds}.`, 'utf8'), toBytes(body)]);
}

/** Base64 HMAC-SHA256 over `<id>.<timestamp>.<body>` (the part after "v1," in webhook-signature). */
export function standardSignature(secret: string, webhookId: string, timestampSeconds: number | string, body: string | Buffer): string {
  return createHmac('sha256', signingKey(secret))
    .update(signedContent(webhookId, timestampSeconds, body))
    .digest('base64');
}

/** Base64 ed25519 signature over `<id>.<timestamp>.<body>` (the part after "v1a," in webhook-signature). */
export function ed25519Signature(privateKey: KeyObject, webhookId: string, timestampSeconds: number | string, body: string | Buffer): string {
  return sign(null, signedContent(webhookId, timestampSeconds, body), privateKey).toString('base64');
}

/** Hex HMAC-SHA256 over the raw body (the part after "sha256=" in X-Webhook-Signature). */
export function bodySignature(secret: string, body: string | Buffer): string {
  return createHmac('sha256', signingKey(secret)).update(toBytes(body)).digest('hex');
}

/**
 * Signs a delivery the way Hookline does, for senders and for receivers' tests: with a secret string, a `v1,`
 * HMAC; with an ed25519 private KeyObject, a `v1a,` signature (verify it with the `whpk_` public key).
 */
export function signWebhook(
  secretOrPrivateKey: string | KeyObject,
  webhookId: string,
  timestampSeconds: number,
  body: string | Buffer,
): StandardWebhookHeaders {
  const signature =
    typeof secretOrPrivateKey === 'string'
      ? `v1,${standardSignature(secretOrPrivateKey, webhookId, timestampSeconds, body)}`
      : `v1a,${ed25519Signature(secretOrPrivateKey, webhookId, timestampSeconds, body)}`;
  return { 'webhook-id': webhookId, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': signature };
}

/** Signing the bytes (not a re-decoded string) keeps a body with any encoding verifiable. */
function toBytes(body: string | Buffer): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}
