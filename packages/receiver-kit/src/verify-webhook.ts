import { secretsEqual, signaturesEqual } from './constant-time-equal';
import {
  InvalidPayloadError,
  InvalidSignatureError,
  MissingHeadersError,
  ReplayedWebhookError,
  TimestampOutOfToleranceError,
} from './webhook-errors';
import { headerReader, type HeaderReader, type WebhookHeaders } from './webhook-headers';
import { bodySignature, standardSignature } from './webhook-signature';
import type { ReplayGuard } from './replay-guard';

/**
 * How a delivery proves it comes from the holder of the secret, strongest first:
 * - `standard`: webhook-id / webhook-timestamp / webhook-signature (or their svix-* aliases), signed with a timestamp;
 * - `body-signature`: `X-Webhook-Signature: sha256=<hex>` over the body alone, so no timestamp check is possible;
 * - `token`: the channel token header, equal to the secret.
 */
export type SignatureScheme = 'standard' | 'body-signature' | 'token';

export const DEFAULT_TOLERANCE_SECONDS = 300;
export const DEFAULT_TOKEN_HEADER = 'x-webhook-token';
const ALL_SCHEMES: readonly SignatureScheme[] = ['standard', 'body-signature', 'token'];
const BODY_SIGNATURE_HEADER = 'x-webhook-signature';

export interface VerifyWebhookOptions {
  /** How far webhook-timestamp may be from now, in either direction. Default 300. */
  toleranceSeconds?: number;
  /** The current time in milliseconds since the epoch. Default Date.now. */
  now?: () => number;
  /** The channel token header (Hookline's WEBHOOK_TOKEN_HEADER). Default "x-webhook-token". */
  tokenHeader?: string;
  /** Refuses a second delivery of the same webhook-id and webhook-timestamp (standard scheme only). */
  replayGuard?: ReplayGuard;
  /** The schemes accepted. Default all three; `['standard']` also refuses a delivery stripped of its timestamped headers. */
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
 * @throws a WebhookVerificationError subclass when the delivery must be refused.
 */
export function verifyWebhook<T = unknown>(rawBody: string | Buffer, headers: WebhookHeaders, secret: string, options: VerifyWebhookOptions = {}): T {
  if (typeof secret !== 'string' || secret.length === 0) throw new TypeError('verifyWebhook needs a non-empty secret.');
  const toleranceSeconds = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (!(toleranceSeconds >= 0)) throw new RangeError('toleranceSeconds must be zero or more.');
  const schemes = new Set(options.schemes ?? ALL_SCHEMES);
  const tokenHeader = options.tokenHeader ?? DEFAULT_TOKEN_HEADER;
  const read = headerReader(headers);
  const nowMs = (options.now ?? Date.now)();

  const standard = schemes.has('standard') ? readStandardHeaders(read) : undefined;
  if (standard) {
    const timestampSeconds = verifyStandardSignature(rawBody, standard, secret, toleranceSeconds, nowMs);
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

/** Checks the tolerance first (cheap), then whether any v1 signature matches; answers the timestamp. */
function verifyStandardSignature(rawBody: string | Buffer, headers: StandardHeaders, secret: string, toleranceSeconds: number, nowMs: number): number {
  if (!/^\d{1,15}$/.test(headers.timestamp)) throw new InvalidSignatureError('webhook-timestamp is not a Unix time in seconds.');
  const timestampSeconds = Number(headers.timestamp);
  const nowSeconds = Math.floor(nowMs / 1000);
  if (Math.abs(nowSeconds - timestampSeconds) > toleranceSeconds) {
    throw new TimestampOutOfToleranceError(timestampSeconds, nowSeconds, toleranceSeconds);
  }
  const received = v1Signatures(headers.signature);
  if (received.length === 0) throw new InvalidSignatureError('webhook-signature carries no v1 signature.');
  const expected = standardSignature(secret, headers.id, headers.timestamp, rawBody);
  if (!received.some((signature) => signaturesEqual(expected, signature))) throw new InvalidSignatureError();
  return timestampSeconds;
}

/**
 * The base64 parts of the "v1,<base64>" entries, space-separated; a trailing comma is dropped because
 * repeated headers reach us joined by ", " (base64 never ends with a comma).
 */
function v1Signatures(header: string): string[] {
  return header
    .split(/\s+/)
    .map((entry) => entry.replace(/,+$/, ''))
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => entry.slice('v1,'.length));
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
