import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { signWebhook, verifyWebhook } from '../../../packages/receiver-kit/src';
import { generateEd25519KeyPair, parseEd25519PrivateKey } from './ed25519-keys';
import { buildDeliveryRequest, headerSafeCallId, type DeliveryRequestInput } from './payload';
import type { SigningKey } from './signing';

const secret = `whsec_${Buffer.from('0123456789abcdef0123').toString('base64')}`;
const createdAt = new Date('2026-01-02T03:04:05.678Z');
const base: DeliveryRequestInput = {
  event: { id: 'evt_1', organizationId: 'org_1', eventType: 'order.paid', data: { amount: 3 }, workflowId: null, channel: null, callId: null, createdAt },
  target: { kind: 'subscription', payloadFormat: 'envelope', headers: { 'X-Team': 'billing' } },
  signingKey: { scheme: 'hmac', secret },
  attempt: 2,
  now: new Date('2026-01-02T03:05:00.000Z'),
  userAgent: 'Hookline/1.2.3',
  tokenHeader: 'X-Webhook-Token',
};

describe('buildDeliveryRequest', () => {
  it('sends the envelope without absent optional fields, with signed headers', () => {
    const { body, headers } = buildDeliveryRequest(base);
    expect(JSON.parse(body)).toEqual({
      event_id: 'evt_1',
      event_type: 'order.paid',
      organization_id: 'org_1',
      timestamp: '2026-01-02T03:04:05.678Z',
      data: { amount: 3 },
    });
    expect(headers).toMatchObject({
      'Content-Type': 'application/json',
      'User-Agent': 'Hookline/1.2.3',
      'X-Team': 'billing',
      'webhook-id': 'evt_1',
      'webhook-timestamp': String(Date.parse('2026-01-02T03:05:00Z') / 1000),
      'X-Webhook-Event': 'order.paid',
      'X-Webhook-Attempt': '2',
    });
    const key = Buffer.from('0123456789abcdef0123');
    expect(headers['X-Webhook-Signature']).toBe(`sha256=${createHmac('sha256', key).update(body).digest('hex')}`);
    const lowerCased = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
    jest.useFakeTimers({ now: base.now });
    try {
      expect(new Webhook(secret).verify(body, lowerCased)).toEqual(JSON.parse(body));
    } finally {
      jest.useRealTimers();
    }
    expect(headers).not.toHaveProperty('X-Webhook-Token');
    expect(headers).not.toHaveProperty('X-Webhook-Call-Id');
  });

  it('carries workflow_id, channel and call_id in the envelope when the event has them', () => {
    const event = { ...base.event, workflowId: 'wf_1', channel: 'queue:1', callId: 'call_9' };
    expect(JSON.parse(buildDeliveryRequest({ ...base, event }).body)).toMatchObject({ workflow_id: 'wf_1', channel: 'queue:1', call_id: 'call_9' });
  });

  it('sends the data alone in the "data" format, with the call id as a header', () => {
    const event = { ...base.event, callId: 'call_9' };
    const { body, headers } = buildDeliveryRequest({ ...base, event, target: { ...base.target, payloadFormat: 'data' } });
    expect(body).toBe('{"amount":3}');
    expect(headers['X-Webhook-Call-Id']).toBe('call_9');
  });

  it('adds the token header for a channel webhook, signed with the token', () => {
    const { body, headers } = buildDeliveryRequest({
      ...base,
      signingKey: { scheme: 'hmac', secret: 'whk_token' },
      tokenHeader: 'X-Hook-Token',
      target: { ...base.target, kind: 'channel' },
    });
    expect(headers['X-Hook-Token']).toBe('whk_token');
    expect(headers['X-Webhook-Signature']).toBe(`sha256=${createHmac('sha256', 'whk_token').update(body).digest('hex')}`);
  });

  it('signs with both secrets during a rotation grace period', () => {
    const { headers } = buildDeliveryRequest({ ...base, previousSigningKey: { scheme: 'hmac', secret: 'old-secret' } });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
  });

  describe('with an ed25519 key (Standard Webhooks v1a)', () => {
    const pair = generateEd25519KeyPair();
    const ed25519Key: SigningKey = { scheme: 'ed25519', privateKey: parseEd25519PrivateKey(pair.privateKey) };
    const input: DeliveryRequestInput = { ...base, signingKey: ed25519Key };
    const lowerCase = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
    const now = () => base.now.getTime();

    it('signs exactly as the receiver kit does, verifiable with the whpk_ public key, without a body HMAC', () => {
      const { body, headers } = buildDeliveryRequest(input);
      const timestamp = Number(headers['webhook-timestamp']);
      // ed25519 signatures are deterministic, so the kit's signer must produce the same header.
      expect(headers['webhook-signature']).toBe(signWebhook(ed25519Key.privateKey, 'evt_1', timestamp, body)['webhook-signature']);
      expect(headers['webhook-signature']).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
      expect(verifyWebhook(body, lowerCase(headers), pair.publicKey, { now })).toMatchObject({ event_id: 'evt_1' });
      expect(headers).not.toHaveProperty('X-Webhook-Signature');
    });

    it('signs with the new key first and the old one after it during a grace period, of either scheme', () => {
      const old = generateEd25519KeyPair();
      const rotated = buildDeliveryRequest({ ...input, previousSigningKey: { scheme: 'ed25519', privateKey: parseEd25519PrivateKey(old.privateKey) } });
      const [first, second] = rotated.headers['webhook-signature'].split(' ');
      expect(verifyWebhook(rotated.body, lowerCase({ ...rotated.headers, 'webhook-signature': first }), pair.publicKey, { now })).toBeDefined();
      expect(verifyWebhook(rotated.body, lowerCase({ ...rotated.headers, 'webhook-signature': second }), old.publicKey, { now })).toBeDefined();

      // hmac -> ed25519: the old secret still signs a v1 entry, but the body HMAC belongs to hmac subscriptions only.
      const fromHmac = buildDeliveryRequest({ ...input, previousSigningKey: { scheme: 'hmac', secret } });
      expect(fromHmac.headers['webhook-signature']).toMatch(/^v1a,\S+ v1,\S+$/);
      expect(verifyWebhook(fromHmac.body, lowerCase(fromHmac.headers), secret, { now })).toBeDefined();
      expect(fromHmac.headers).not.toHaveProperty('X-Webhook-Signature');
    });
  });
});

describe('headerSafeCallId', () => {
  it('keeps printable ASCII call ids as they are', () => {
    expect(headerSafeCallId('toolu_01/abc:42 x')).toBe('toolu_01/abc:42 x');
  });

  it('percent-encodes what a header cannot carry, reversibly', () => {
    for (const callId of ['toolu_01/ünï ✓', '100%', 'emoji 🚀', 'line\nbreak']) {
      const encoded = headerSafeCallId(callId);
      expect(encoded).toMatch(/^[\x20-\x7e]*$/);
      expect(decodeURIComponent(encoded)).toBe(callId);
    }
  });
});
