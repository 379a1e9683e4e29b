import { createHmac, randomBytes } from 'node:crypto';

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

/** Elan-style body signature: "sha256=" + hex HMAC-SHA256 over the raw body. */
export function bodySignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', signingKey(secret)).update(body).digest('hex')}`;
}

export interface SignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
  'X-Webhook-Signature': string;
}

/**
 * The signature headers of one attempt. With `previousSecret` (rotation grace period) webhook-signature
 * carries both signatures, space-separated, as the Standard Webhooks spec allows.
 */
export function signatureHeaders(
  secret: string,
  webhookId: string,
  timestampSeconds: number,
  body: string,
  previousSecret?: string,
): SignatureHeaders {
  const signatures = [standardSignature(secret, webhookId, timestampSeconds, body)];
  if (previousSecret) signatures.push(standardSignature(previousSecret, webhookId, timestampSeconds, body));
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signatures.join(' '),
    'X-Webhook-Signature': bodySignature(secret, body),
  };
}
