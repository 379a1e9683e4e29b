import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import {
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

const nowMs = Date.UTC(2025, 0, 15, 12, 0, 0);
const nowSeconds = nowMs / 1000;
const now = () => nowMs;
const payload = { event_id: 'evt_ed', event_type: 'invoice.paid', data: { amount: 42, note: 'prêt ✓' } };
const body = JSON.stringify(payload);
const { privateKey } = generateKeyPairSync('ed25519');
const publicKey = formatPublicKey(privateKey);
const other = generateKeyPairSync('ed25519').privateKey;
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

const signed = (key = privateKey, timestampSeconds = nowSeconds, id = 'evt_ed') => signWebhook(key, id, timestampSeconds, body);

function thrown(action: () => unknown): WebhookVerificationError {
  try {
    action();
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error;
    throw error;
  }
  throw new Error('expected a WebhookVerificationError, but verification passed');
}

describe('verifyWebhook with a whpk_ public key (Standard Webhooks v1a, ed25519)', () => {
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
    expect(() => verifyWebhook(body, { ...signed(), 'webhook-signature': `${signed(other)['webhook-signature']} ${signed(other)['webhook-signature']}` }, publicKey, { now })).toThrow(InvalidSignatureError);
  });

  it('checks v1a entries only: a v1 HMAC beside them is skipped, a header with v1 alone carries no v1a signature', () => {
    const hmac = signWebhook(secret, 'evt_ed', nowSeconds, body)['webhook-signature'];
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
    const key = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: seed.toString('base64url'), x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' }, format: 'jwk' });
    expect(formatPublicKey(key)).toBe(`whpk_${Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex').toString('base64')}`);
  });
});
