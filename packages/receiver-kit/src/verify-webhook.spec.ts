import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { signatureHeaders } from '../../../libs/domain/src/signing';
import {
  InvalidPayloadError,
  InvalidSignatureError,
  MissingHeadersError,
  ReplayedWebhookError,
  TimestampOutOfToleranceError,
  WebhookVerificationError,
  createMemoryReplayGuard,
  formatPublicKey,
  signWebhook,
  verifyWebhook,
} from './index';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const otherSecret = 'whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCE=';
const nowMs = Date.UTC(2025, 0, 15, 12, 0, 0);
const nowSeconds = nowMs / 1000;
const now = () => nowMs;
const payload = { event_id: 'evt_01J', event_type: 'workflow.completed', data: { run: 42, note: 'prêt ✓' } };
const body = JSON.stringify(payload);

/** What Hookline's worker sends: its own signing code, not a re-implementation. */
function hooklineHeaders(signingSecret = secret, timestampSeconds = nowSeconds, signedBody = body): Record<string, string> {
  return { ...signatureHeaders({ scheme: 'hmac', secret: signingSecret }, 'evt_01J', timestampSeconds, signedBody) };
}

function thrown(action: () => unknown): WebhookVerificationError {
  try {
    action();
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error;
    throw error;
  }
  throw new Error('expected a WebhookVerificationError, but verification passed');
}

describe('verifyWebhook with Standard Webhooks headers', () => {
  it('accepts a delivery signed by the standardwebhooks package', () => {
    const signature = new Webhook(secret).sign('msg_2b', new Date(nowMs), body);
    const headers = { 'webhook-id': 'msg_2b', 'webhook-timestamp': String(nowSeconds), 'webhook-signature': signature };
    expect(verifyWebhook(body, headers, secret, { now })).toEqual(payload);
  });

  it('accepts what Hookline signs, from a Buffer body and a string body', () => {
    expect(verifyWebhook(Buffer.from(body, 'utf8'), hooklineHeaders(), secret, { now })).toEqual(payload);
    expect(verifyWebhook<typeof payload>(body, hooklineHeaders(), secret, { now }).data.run).toBe(42);
  });

  it('produces signatures the standardwebhooks package verifies (signWebhook)', () => {
    const headers = signWebhook(secret, 'msg_3c', Math.floor(Date.now() / 1000), body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(payload);
  });

  it('accepts any matching entry among several (secret rotation)', () => {
    const rotating = hooklineHeaders(otherSecret);
    const withPrevious = { ...signatureHeaders({ scheme: 'hmac', secret: otherSecret }, 'evt_01J', nowSeconds, body, { scheme: 'hmac', secret }) };
    expect(() => verifyWebhook(body, rotating, secret, { now })).toThrow(InvalidSignatureError);
    expect(verifyWebhook(body, withPrevious, secret, { now })).toEqual(payload);
    expect(verifyWebhook(body, withPrevious, otherSecret, { now })).toEqual(payload);
  });

  it('accepts repeated signature headers as Node and fetch join them', () => {
    const headers = hooklineHeaders();
    const joined = {
      ...headers,
      'webhook-signature': [signWebhook(otherSecret, 'evt_01J', nowSeconds, body)['webhook-signature'], headers['webhook-signature']],
    };
    expect(verifyWebhook(body, joined, secret, { now })).toEqual(payload);
  });

  it('reads header names case-insensitively, from plain objects and fetch Headers', () => {
    const upper = Object.fromEntries(Object.entries(hooklineHeaders()).map(([name, value]) => [name.toUpperCase(), value]));
    expect(verifyWebhook(body, upper, secret, { now })).toEqual(payload);
    expect(verifyWebhook(body, new Headers(hooklineHeaders()), secret, { now })).toEqual(payload);
  });

  it('accepts the svix-* aliases', () => {
    const standard = signWebhook(secret, 'msg_svix', nowSeconds, body);
    const headers = { 'svix-id': standard['webhook-id'], 'svix-timestamp': standard['webhook-timestamp'], 'svix-signature': standard['webhook-signature'] };
    expect(verifyWebhook(body, headers, secret, { now })).toEqual(payload);
  });

  it('uses the UTF-8 bytes of a secret without the whsec_ prefix (channel tokens)', () => {
    const token = 'whk_8Hq2x0bZ';
    expect(verifyWebhook(body, hooklineHeaders(token), token, { now })).toEqual(payload);
    expect(() => verifyWebhook(body, hooklineHeaders(token), `${token}x`, { now })).toThrow(InvalidSignatureError);
  });

  it('rejects a tampered body', () => {
    const tampered = body.replace('42', '43');
    const error = thrown(() => verifyWebhook(tampered, hooklineHeaders(), secret, { now }));
    expect(error).toBeInstanceOf(InvalidSignatureError);
    expect(error).toMatchObject({ code: 'invalid_signature', status: 401 });
  });

  it('rejects a wrong secret', () => {
    expect(() => verifyWebhook(body, hooklineHeaders(), otherSecret, { now })).toThrow(InvalidSignatureError);
  });

  it('rejects a signature moved to another webhook-id', () => {
    expect(() => verifyWebhook(body, { ...hooklineHeaders(), 'webhook-id': 'evt_other' }, secret, { now })).toThrow(InvalidSignatureError);
  });

  it('rejects a stale timestamp and a future one, and accepts the edges of the tolerance', () => {
    const stale = thrown(() => verifyWebhook(body, hooklineHeaders(secret, nowSeconds - 301), secret, { now }));
    expect(stale).toBeInstanceOf(TimestampOutOfToleranceError);
    expect(stale).toMatchObject({
      code: 'timestamp_out_of_tolerance',
      status: 401,
      details: { timestamp: nowSeconds - 301, now: nowSeconds, tolerance_seconds: 300 },
    });
    expect(stale.message).toContain('too old');
    const future = thrown(() => verifyWebhook(body, hooklineHeaders(secret, nowSeconds + 301), secret, { now }));
    expect(future).toBeInstanceOf(TimestampOutOfToleranceError);
    expect(future.message).toContain('future');
    expect(verifyWebhook(body, hooklineHeaders(secret, nowSeconds - 300), secret, { now })).toEqual(payload);
    expect(verifyWebhook(body, hooklineHeaders(secret, nowSeconds + 300), secret, { now })).toEqual(payload);
  });

  it('honours a custom tolerance', () => {
    const headers = hooklineHeaders(secret, nowSeconds - 10);
    expect(() => verifyWebhook(body, headers, secret, { now, toleranceSeconds: 5 })).toThrow(TimestampOutOfToleranceError);
    expect(verifyWebhook(body, headers, secret, { now, toleranceSeconds: 10 })).toEqual(payload);
  });

  it('rejects a timestamp that is not Unix seconds', () => {
    const headers = { ...hooklineHeaders(), 'webhook-timestamp': '2025-01-15T12:00:00Z' };
    expect(thrown(() => verifyWebhook(body, headers, secret, { now })).message).toContain('webhook-timestamp');
  });

  it('rejects a signature header without a v1 entry', () => {
    const headers = { ...hooklineHeaders(), 'webhook-signature': 'v1a,abc v2,def' };
    expect(thrown(() => verifyWebhook(body, headers, secret, { now })).message).toContain('no v1 signature');
  });

  it('requires the whole set once one Standard Webhooks header is present', () => {
    const { 'webhook-timestamp': _omitted, ...partial } = hooklineHeaders();
    const error = thrown(() => verifyWebhook(body, partial, secret, { now }));
    expect(error).toBeInstanceOf(MissingHeadersError);
    expect(error).toMatchObject({ code: 'missing_headers', status: 400, details: { missing: ['webhook-timestamp'] } });
  });

  it('requires the standard signature to pass when present, even if a weaker one would', () => {
    const headers = { ...hooklineHeaders(), 'webhook-signature': signWebhook(otherSecret, 'evt_01J', nowSeconds, body)['webhook-signature'] };
    expect(() => verifyWebhook(body, headers, secret, { now })).toThrow(InvalidSignatureError);
    expect(() => verifyWebhook(body, { ...headers, 'x-webhook-token': secret }, secret, { now })).toThrow(InvalidSignatureError);
  });

  it('rejects a valid signature over a body that is not JSON', () => {
    const text = 'not json';
    const error = thrown(() => verifyWebhook(text, signWebhook(secret, 'm', nowSeconds, text), secret, { now }));
    expect(error).toBeInstanceOf(InvalidPayloadError);
    expect(error).toMatchObject({ code: 'invalid_payload', status: 400 });
  });
});

describe('verifyWebhook with X-Webhook-Signature alone', () => {
  const bodyOnly = (signingSecret = secret, signedBody = body) => ({
    'X-Webhook-Signature': hooklineHeaders(signingSecret, nowSeconds, signedBody)['X-Webhook-Signature'],
  });

  it('accepts the body signature Hookline sends, whatever the time (no timestamp to check)', () => {
    expect(verifyWebhook(body, bodyOnly(), secret, { now: () => nowMs + 86_400_000 })).toEqual(payload);
    const upperHex = { 'x-webhook-signature': bodyOnly()['X-Webhook-Signature'].replace(/[0-9a-f]+$/, (hex) => hex.toUpperCase()) };
    expect(verifyWebhook(body, upperHex, secret, { now })).toEqual(payload);
  });

  it('rejects a tampered body, a wrong secret and a malformed header', () => {
    expect(() => verifyWebhook(body.replace('42', '43'), bodyOnly(), secret, { now })).toThrow(InvalidSignatureError);
    expect(() => verifyWebhook(body, bodyOnly(otherSecret), secret, { now })).toThrow(InvalidSignatureError);
    expect(thrown(() => verifyWebhook(body, { 'x-webhook-signature': 'sha1=abc' }, secret, { now })).message).toContain('sha256=');
  });

  it('is refused when the receiver accepts the timestamped scheme only', () => {
    const error = thrown(() => verifyWebhook(body, bodyOnly(), secret, { now, schemes: ['standard'] }));
    expect(error).toBeInstanceOf(MissingHeadersError);
    expect(error.details).toEqual({ missing: ['webhook-id', 'webhook-timestamp', 'webhook-signature'] });
  });
});

describe('verifyWebhook with the channel token header', () => {
  const token = 'whk_Zk3mXq9v0aBcDeFg';

  it('accepts the token when it equals the secret', () => {
    expect(verifyWebhook(body, { 'X-Webhook-Token': token }, token, { now })).toEqual(payload);
  });

  it('rejects another token, including a prefix of the right one', () => {
    expect(() => verifyWebhook(body, { 'x-webhook-token': 'whk_other' }, token, { now })).toThrow(InvalidSignatureError);
    expect(() => verifyWebhook(body, { 'x-webhook-token': token.slice(0, -1) }, token, { now })).toThrow(InvalidSignatureError);
  });

  it('reads a custom token header name (WEBHOOK_TOKEN_HEADER)', () => {
    expect(verifyWebhook(body, { 'x-hook-token': token }, token, { now, tokenHeader: 'X-Hook-Token' })).toEqual(payload);
    expect(() => verifyWebhook(body, { 'x-webhook-token': token }, token, { now, tokenHeader: 'X-Hook-Token' })).toThrow(MissingHeadersError);
  });

  it('checks the body signature rather than the token when both are present', () => {
    const headers = { 'x-webhook-token': token, 'x-webhook-signature': hooklineHeaders(otherSecret)['X-Webhook-Signature'] };
    expect(() => verifyWebhook(body, headers, token, { now })).toThrow(InvalidSignatureError);
  });
});

describe('verifyWebhook without signature headers', () => {
  it('names every accepted header', () => {
    const error = thrown(() => verifyWebhook(body, { 'content-type': 'application/json', 'webhook-id': '' }, secret, { now }));
    expect(error).toBeInstanceOf(MissingHeadersError);
    expect(error).toMatchObject({
      status: 400,
      details: { missing: ['webhook-id', 'webhook-timestamp', 'webhook-signature', 'X-Webhook-Signature', 'x-webhook-token'] },
    });
  });

  it('refuses to run without a secret', () => {
    expect(() => verifyWebhook(body, hooklineHeaders(), '', { now })).toThrow(TypeError);
  });
});

describe('verifyWebhook with a whpk_ public key (Standard Webhooks v1a, ed25519)', () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const publicKey = formatPublicKey(privateKey);
  const other = generateKeyPairSync('ed25519').privateKey;
  const signed = (key = privateKey, timestampSeconds = nowSeconds, id = 'evt_01J') => signWebhook(key, id, timestampSeconds, body);

  it('formats the public key as whpk_ + base64 of its 32 raw bytes', () => {
    const raw = Buffer.from(publicKey.slice('whpk_'.length), 'base64');
    expect(raw).toHaveLength(32);
    expect(raw.toString('base64url')).toBe(privateKey.export({ format: 'jwk' }).x);
  });

  it('accepts a v1a signature made with the matching private key, from a string or a Buffer body', () => {
    const headers = signed();
    expect(headers['webhook-signature']).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    expect(verifyWebhook(body, headers, publicKey, { now })).toEqual(payload);
    expect(verifyWebhook(Buffer.from(body, 'utf8'), headers, publicKey, { now })).toEqual(payload);
  });

  it('verifies a signature made by node:crypto directly over "<id>.<timestamp>.<body>"', () => {
    const signature = sign(null, Buffer.from(`msg_1.${nowSeconds}.${body}`, 'utf8'), privateKey).toString('base64');
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(nowSeconds), 'webhook-signature': `v1a,${signature}` };
    expect(verifyWebhook(body, headers, publicKey, { now })).toEqual(payload);
  });

  it('rejects a tampered body, another key, and a signature moved to another webhook-id or timestamp', () => {
    const tampered = thrown(() => verifyWebhook(body.replace('42', '43'), signed(), publicKey, { now }));
    expect(tampered).toBeInstanceOf(InvalidSignatureError);
    expect(tampered).toMatchObject({ code: 'invalid_signature', status: 401 });
    expect(() => verifyWebhook(body, signed(other), publicKey, { now })).toThrow(InvalidSignatureError);
    expect(() => verifyWebhook(body, { ...signed(), 'webhook-id': 'evt_other' }, publicKey, { now })).toThrow(InvalidSignatureError);
    expect(() => verifyWebhook(body, { ...signed(), 'webhook-timestamp': String(nowSeconds - 1) }, publicKey, { now })).toThrow(InvalidSignatureError);
  });

  it('accepts any matching v1a entry among several (key rotation), in separate or repeated headers', () => {
    const rotating = `${signed(other)['webhook-signature']} ${signed()['webhook-signature']}`;
    expect(verifyWebhook(body, { ...signed(), 'webhook-signature': rotating }, publicKey, { now })).toEqual(payload);
    const repeated = { ...signed(), 'webhook-signature': [signed(other)['webhook-signature'], signed()['webhook-signature']] };
    expect(verifyWebhook(body, repeated, publicKey, { now })).toEqual(payload);
    expect(() =>
      verifyWebhook(body, { ...signed(), 'webhook-signature': `${signed(other)['webhook-signature']} ${signed(other)['webhook-signature']}` }, publicKey, {
        now,
      }),
    ).toThrow(InvalidSignatureError);
  });

  it('checks v1a entries only: a v1 HMAC beside them is skipped, a header with v1 alone carries no v1a signature', () => {
    const hmac = signWebhook(secret, 'evt_01J', nowSeconds, body)['webhook-signature'];
    expect(verifyWebhook(body, { ...signed(), 'webhook-signature': `${hmac} ${signed()['webhook-signature']}` }, publicKey, { now })).toEqual(payload);
    expect(thrown(() => verifyWebhook(body, { ...signed(), 'webhook-signature': hmac }, publicKey, { now })).message).toContain('no v1a signature');
    // ...and an HMAC secret still ignores v1a entries.
    expect(thrown(() => verifyWebhook(body, signed(), secret, { now })).message).toContain('no v1 signature');
  });

  it('rejects a v1a entry that is not a 64-byte signature', () => {
    const short = Buffer.alloc(63, 1).toString('base64');
    expect(() => verifyWebhook(body, { ...signed(), 'webhook-signature': `v1a,${short}` }, publicKey, { now })).toThrow(InvalidSignatureError);
    expect(() => verifyWebhook(body, { ...signed(), 'webhook-signature': 'v1a,not base64!' }, publicKey, { now })).toThrow(InvalidSignatureError);
  });

  it('applies the timestamp tolerance as for HMAC signatures', () => {
    const stale = thrown(() => verifyWebhook(body, signed(privateKey, nowSeconds - 301), publicKey, { now }));
    expect(stale).toBeInstanceOf(TimestampOutOfToleranceError);
    expect(stale.details).toEqual({ timestamp: nowSeconds - 301, now: nowSeconds, tolerance_seconds: 300 });
    expect(() => verifyWebhook(body, signed(privateKey, nowSeconds + 301), publicKey, { now })).toThrow(TimestampOutOfToleranceError);
    expect(verifyWebhook(body, signed(privateKey, nowSeconds - 300), publicKey, { now })).toEqual(payload);
    expect(verifyWebhook(body, signed(privateKey, nowSeconds - 10), publicKey, { now, toleranceSeconds: 10 })).toEqual(payload);
  });

  it('refuses a replay with the replay guard', () => {
    const replayGuard = createMemoryReplayGuard();
    expect(verifyWebhook(body, signed(), publicKey, { now, replayGuard })).toEqual(payload);
    expect(() => verifyWebhook(body, signed(), publicKey, { now, replayGuard })).toThrow(ReplayedWebhookError);
  });

  it('verifies the standard scheme only: a body HMAC or a token cannot be checked with a public key', () => {
    const bodyOnly = thrown(() => verifyWebhook(body, { 'x-webhook-signature': `sha256=${'0'.repeat(64)}`, 'x-webhook-token': publicKey }, publicKey, { now }));
    expect(bodyOnly).toBeInstanceOf(MissingHeadersError);
    expect(bodyOnly.details).toEqual({ missing: ['webhook-id', 'webhook-timestamp', 'webhook-signature'] });
    expect(verifyWebhook(body, signed(), publicKey, { now, schemes: ['standard', 'token'] })).toEqual(payload);
    expect(() => verifyWebhook(body, signed(), publicKey, { now, schemes: ['body-signature', 'token'] })).toThrow(TypeError);
  });

  it('refuses a malformed whpk_ key with a TypeError, before reading the delivery', () => {
    const raw = Buffer.from(publicKey.slice('whpk_'.length), 'base64');
    for (const bad of ['whpk_', `whpk_${raw.subarray(1).toString('base64')}`, `whpk_${raw.toString('hex')}`, `whpk_${raw.toString('base64url')}!`]) {
      expect(() => verifyWebhook(body, signed(), bad, { now })).toThrow(TypeError);
    }
    expect(verifyWebhook(body, signed(), publicKey.replace(/=+$/, ''), { now })).toEqual(payload);
  });

  it('formats the public key of a key pair made from a known seed', () => {
    // RFC 8032 section 7.1, TEST 1.
    const seed = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
    const key = createPrivateKey({
      key: { kty: 'OKP', crv: 'Ed25519', d: seed.toString('base64url'), x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' },
      format: 'jwk',
    });
    expect(formatPublicKey(key)).toBe(`whpk_${Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex').toString('base64')}`);
  });
});
