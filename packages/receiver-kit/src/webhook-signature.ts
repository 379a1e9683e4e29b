import { createHmac } from 'node:crypto';

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

/** Base64 HMAC-SHA256 over `<id>.<timestamp>.<body>` (the part after "v1," in webhook-signature). */
export function standardSignature(secret: string, webhookId: string, timestampSeconds: number | string, body: string | Buffer): string {
  return createHmac('sha256', signingKey(secret)).update(`${webhookId}.${timestampSeconds}.`, 'utf8').update(toBytes(body)).digest('base64');
}

/** Hex HMAC-SHA256 over the raw body (the part after "sha256=" in X-Webhook-Signature). */
export function bodySignature(secret: string, body: string | Buffer): string {
  return createHmac('sha256', signingKey(secret)).update(toBytes(body)).digest('hex');
}

/** Signs a delivery the way Hookline does, for senders and for receivers' tests. */
export function signWebhook(secret: string, webhookId: string, timestampSeconds: number, body: string | Buffer): StandardWebhookHeaders {
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': `v1,${standardSignature(secret, webhookId, timestampSeconds, body)}`,
  };
}

/** Signing the bytes (not a re-decoded string) keeps a body with any encoding verifiable. */
function toBytes(body: string | Buffer): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}
