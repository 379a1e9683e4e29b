import { verify, type KeyObject } from 'node:crypto';
import { secretsEqual, signaturesEqual } from './constant-time-equal';
import { InvalidPayloadError, InvalidSignatureError, MissingHeadersError, ReplayedWebhookError, TimestampOutOfToleranceError } from './webhook-errors';
import { headerReader, type HeaderReader, type WebhookHeaders } from './webhook-headers';
import { bodySignature, signedContent, standardSignature } from './webhook-signature';
import type { ReplayGuard } from './replay-guard';
import { verificationKey, type VerificationKey } from './verification-key';

/**
 * How a delivery proves it comes from the holder of the secret, strongest first:
 * - `standard`: webhook-id / webhook-timestamp / webhook-signature (or their svix-* aliases), signed with a timestamp:
 *   `v1,` HMAC entries for a secret, `v1a,` ed25519 entries for a `whpk_` public key (which verifies this scheme only);
 * - `body-signature`: `X-Webhook-Signature: sha256=<hex>` over the body alone, so no timestamp check is possible;
 * - `token`: the channel token header, equal to the secret.
 */
export type SignatureScheme = 'standard' | 'body-signature' | 'token';

export const DEFAULT_TOLERANCE_SECONDS = 300;
export const DEFAULT_TOKEN_HEADER = 'x-webhook-token';
const ALL_SCHEMES: readonly SignatureScheme[] = ['standard', 'body-signature', 'token'];
const PUBLIC_KEY_SCHEMES: readonly SignatureScheme[] = ['standard'];
const BODY_SIGNATURE_HEADER = 'x-webhook-signature';
const ED25519_SIGNATURE_BYTES = 64;

export interface VerifyWebhookOptions {
  /** How far webhook-timestamp may be from now, in either direction. Default 300. */
  toleranceSeconds?: number;
  /** The current time in milliseconds since the epoch. Default Date.now. */
  now?: () => number;
  /** The channel token header (Hookline's WEBHOOK_TOKEN_HEADER). Default "x-webhook-token". */
  tokenHeader?: string;
  /** Refuses a second delivery of the same webhook-id and webhook-timestamp (standard scheme only). */
  replayGuard?: ReplayGuard;
  /**
   * The schemes accepted. Default all three (only `standard` with a `whpk_` public key); `['standard']` also refuses a
   * delivery stripped of its timestamped headers.
   */
  schemes?: readonly SignatureScheme[];
}

interface StandardHeaders {
  id: string;
  timestamp: string;
  signature: string;
}

/**
 * Verifies a delivery against the raw bytes of its body and returns the parsed JSON payload.
 * The strongest scheme whose headers are present must pass; a weaker one is not tried instead.
 * @param secret the subscription's `whsec_` secret, a channel token, or an ed25519 subscription's `whpk_` public key.
 * @throws a WebhookVerificationError subclass when the delivery must be refused; a TypeError for a malformed secret or key.
 */
export function verifyWebhook<T = unknown>(rawBody: string | Buffer, headers: WebhookHeaders, secret: string, options: VerifyWebhookOptions = {}): T {
  const key = verificationKey(secret);
  const toleranceSeconds = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (!(toleranceSeconds >= 0)) throw new RangeError('toleranceSeconds must be zero or more.');
  const schemes = acceptedSchemes(key, options.schemes);
  const tokenHeader = options.tokenHeader ?? DEFAULT_TOKEN_HEADER;
  const read = headerReader(headers);
  const nowMs = (options.now ?? Date.now)();

  const standard = schemes.has('standard') ? readStandardHeaders(read) : undefined;
  if (standard) {
    const timestampSeconds = verifyStandardSignature(rawBody, standard, key, toleranceSeconds, nowMs);
    const payload = parseJson<T>(rawBody);
    if (options.replayGuard && !options.replayGuard.firstSeen({ webhookId: standard.id, timestampSeconds }, nowMs)) {
      throw new ReplayedWebhookError(standard.id);
    }
    return payload;
  }

  const bodySignatureHeader = schemes.has('body-signature') ? read(BODY_SIGNATURE_HEADER) : undefined;
  if (bodySignatureHeader) {
    verifyBodySignature(rawBody, bodySignatureHeader, secret);
    return parseJson<T>(rawBody);
  }

  const token = schemes.has('token') ? read(tokenHeader) : undefined;
  if (token) {
    if (!secretsEqual(secret, token)) throw new InvalidSignatureError(`${tokenHeader} does not match.`);
    return parseJson<T>(rawBody);
  }

  const accepted = acceptedHeaderNames(schemes, tokenHeader);
  throw new MissingHeadersError(accepted, `No webhook signature header is present; expected one of: ${accepted.join(', ')}.`);
}

/** A public key cannot check an HMAC nor a token, so it narrows the schemes to `standard`. */
function acceptedSchemes(key: VerificationKey, requested: readonly SignatureScheme[] = ALL_SCHEMES): Set<SignatureScheme> {
  if (key.kind === 'hmac') return new Set(requested);
  const schemes = new Set(requested.filter((scheme) => PUBLIC_KEY_SCHEMES.includes(scheme)));
  if (schemes.size === 0) throw new TypeError('A whpk_ public key verifies the standard scheme only (webhook-signature v1a).');
  return schemes;
}

/** The webhook-* set, else the svix-* set; once any header of a set is present, all three are required. */
function readStandardHeaders(read: HeaderReader): StandardHeaders | undefined {
  for (const prefix of ['webhook', 'svix']) {
    const names = [`${prefix}-id`, `${prefix}-timestamp`, `${prefix}-signature`];
    const [id, timestamp, signature] = names.map((name) => read(name));
    if (!id && !timestamp && !signature) continue;
    if (!id || !timestamp || !signature) throw new MissingHeadersError(names.filter((name) => !read(name)));
    return { id, timestamp, signature };
  }
  return undefined;
}

/**
 * Checks the tolerance first (cheap), then whether any entry of the key's version matches (`v1` for a secret,
 * `v1a` for a public key; entries of the other version are skipped, as the spec says); answers the timestamp.
 */
function verifyStandardSignature(rawBody: string | Buffer, headers: StandardHeaders, key: VerificationKey, toleranceSeconds: number, nowMs: number): number {
  if (!/^\d{1,15}$/.test(headers.timestamp)) throw new InvalidSignatureError('webhook-timestamp is not a Unix time in seconds.');
  const timestampSeconds = Number(headers.timestamp);
  const nowSeconds = Math.floor(nowMs / 1000);
  if (Math.abs(nowSeconds - timestampSeconds) > toleranceSeconds) {
    throw new TimestampOutOfToleranceError(timestampSeconds, nowSeconds, toleranceSeconds);
  }
  const version = key.kind === 'hmac' ? 'v1' : 'v1a';
  const received = signaturesOfVersion(headers.signature, version);
  if (received.length === 0) throw new InvalidSignatureError(`webhook-signature carries no ${version} signature.`);
  const matches =
    key.kind === 'hmac'
      ? hmacMatcher(standardSignature(key.secret, headers.id, headers.timestamp, rawBody))
      : ed25519Matcher(key.publicKey, signedContent(headers.id, headers.timestamp, rawBody));
  if (!received.some(matches)) throw new InvalidSignatureError();
  return timestampSeconds;
}

/**
 * The base64 parts of the "<version>,<base64>" entries, space-separated; a trailing comma is dropped because
 * repeated headers reach us joined by ", " (base64 never ends with a comma).
 */
function signaturesOfVersion(header: string, version: 'v1' | 'v1a'): string[] {
  const prefix = `${version},`;
  return header
    .split(/\s+/)
    .map((entry) => entry.replace(/,+$/, ''))
    .filter((entry) => entry.startsWith(prefix))
    .map((entry) => entry.slice(prefix.length));
}

function hmacMatcher(expected: string): (signature: string) => boolean {
  return (signature) => signaturesEqual(expected, signature);
}

/** An ed25519 signature is public data checked against a public key, so no constant-time comparison is needed here. */
function ed25519Matcher(publicKey: KeyObject, content: Buffer): (signature: string) => boolean {
  return (encoded) => {
    const signature = Buffer.from(encoded, 'base64');
    return signature.length === ED25519_SIGNATURE_BYTES && verify(null, content, publicKey, signature);
  };
}

function verifyBodySignature(rawBody: string | Buffer, header: string, secret: string): void {
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header);
  if (!match) throw new InvalidSignatureError('X-Webhook-Signature is not "sha256=<hex>".');
  if (!signaturesEqual(bodySignature(secret, rawBody), match[1].toLowerCase())) throw new InvalidSignatureError();
}

function parseJson<T>(rawBody: string | Buffer): T {
  try {
    return JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8')) as T;
  } catch {
    throw new InvalidPayloadError();
  }
}

function acceptedHeaderNames(schemes: Set<SignatureScheme>, tokenHeader: string): string[] {
  const names: string[] = [];
  if (schemes.has('standard')) names.push('webhook-id', 'webhook-timestamp', 'webhook-signature');
  if (schemes.has('body-signature')) names.push('X-Webhook-Signature');
  if (schemes.has('token')) names.push(tokenHeader);
  return names;
}
