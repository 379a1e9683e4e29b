import { randomBytes } from 'node:crypto';
import { InvalidSignatureError, verifyWebhook } from '../packages/receiver-kit/src';
import { waitFor } from './support/poll';
import type { ReceivedRequest } from './support/receiver';
import { useStack } from './support/stack';

const PUBLIC_KEY = /^whpk_[A-Za-z0-9+/]{43}=$/;
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** signature_scheme "ed25519" (Standard Webhooks v1a): the API's answers, and real deliveries verified with the public key. */
describe('ed25519 signatures', () => {
  // Keys encrypted at rest, so the worker's decryption of private keys is exercised too.
  const stack = useStack({ config: { encryptionKey: randomBytes(32) }, orgName: 'ed25519 signatures' });

  let pathCounter = 0;
  const create = (body: Record<string, unknown>) =>
    stack.api.request('POST', '/v1/webhooks', { key: stack.key, body: { name: 'ed25519', events: ['*'], ...body } });
  /** An ed25519 subscription (or another scheme) on its own receiver path. */
  const subscribe = async (body: Record<string, unknown> = { signature_scheme: 'ed25519' }) => {
    const path = `/ed25519-${++pathCounter}`;
    const created = await stack.createSubscription({ url: `${stack.receiver.url}${path}`, ...body });
    return { id: created.id, path, created };
  };
  const patch = (id: string, body: Record<string, unknown>) => stack.api.request('PATCH', `/v1/webhooks/${id}`, { key: stack.key, body });
  const rotate = (id: string, body?: Record<string, unknown>) => stack.api.request('POST', `/v1/webhooks/${id}/secret/rotate`, { key: stack.key, body });
  const secretOf = async (id: string) => (await stack.api.request('GET', `/v1/webhooks/${id}/secret`, { key: stack.key })).body;
  /** Publishes an event and returns the request the receiver got for it on `path`. */
  const deliverOne = async (path: string): Promise<ReceivedRequest> => {
    const eventId = await stack.publish({ event_type: 'order.paid', data: { amount: 42 } });
    return waitFor(() => stack.receiver.requests.find((request) => request.path === path && request.headers['webhook-id'] === eventId), {
      what: `delivery of ${eventId}`,
    });
  };
  const signatures = (request: ReceivedRequest) => (request.headers['webhook-signature'] as string).split(' ');
  /** Whether `secretOrPublicKey` verifies the delivery with only the signature entry at `index` left in webhook-signature. */
  const entryVerifies = (request: ReceivedRequest, index: number, secretOrPublicKey: string) => {
    try {
      verifyWebhook(request.body, { ...request.headers, 'webhook-signature': signatures(request)[index] }, secretOrPublicKey);
      return true;
    } catch (error) {
      if (error instanceof InvalidSignatureError) return false;
      throw error;
    }
  };
  const stored = async (id: string) =>
    (await stack.db.query('SELECT secret, public_key, signature_scheme, previous_secret, previous_signature_scheme FROM subscriptions WHERE id = $1', [id]))
      .rows[0];

  describe('answers', () => {
    it('creates with a public key and no secret; GET, list and GET .../secret show the same key', async () => {
      const { id, created } = await subscribe();
      expect(created).toMatchObject({ signature_scheme: 'ed25519', public_key: expect.stringMatching(PUBLIC_KEY) });
      expect(created).not.toHaveProperty('secret');
      expect(Buffer.from(created.public_key.slice('whpk_'.length), 'base64')).toHaveLength(32);

      const got = await stack.api.request('GET', `/v1/webhooks/${id}`, { key: stack.key });
      expect(got.body).toMatchObject({ signature_scheme: 'ed25519', public_key: created.public_key });
      expect(got.body).not.toHaveProperty('secret');
      const listed = (await stack.api.request('GET', '/v1/webhooks', { key: stack.key })).body.subscriptions.find(
        (subscription: { id: string }) => subscription.id === id,
      );
      expect(listed).toMatchObject({ signature_scheme: 'ed25519', public_key: created.public_key });
      expect(listed).not.toHaveProperty('secret');
      expect(await secretOf(id)).toEqual({ public_key: created.public_key });
    });

    it('keeps hmac the default: signature_scheme in every answer, no public_key', async () => {
      const { id, created } = await subscribe({});
      expect(created).toMatchObject({ signature_scheme: 'hmac', secret: expect.stringMatching(/^whsec_/) });
      expect(created).not.toHaveProperty('public_key');
      expect((await stack.api.request('GET', `/v1/webhooks/${id}`, { key: stack.key })).body).toMatchObject({ signature_scheme: 'hmac' });
      expect((await stack.api.request('GET', `/v1/webhooks/${id}`, { key: stack.key })).body).not.toHaveProperty('public_key');
      expect(Object.keys(await secretOf(id))).toEqual(['secret']);
    });

    it('stores the private key encrypted, never in an answer', async () => {
      const { id, created } = await subscribe();
      const row = await stored(id);
      expect(row).toMatchObject({ signature_scheme: 'ed25519', public_key: created.public_key, secret: expect.stringMatching(/^enc:v1:/) });
      const answers = [created, (await stack.api.request('GET', `/v1/webhooks/${id}`, { key: stack.key })).body, await secretOf(id)];
      expect(JSON.stringify(answers)).not.toMatch(/whsk_|enc:v1:/);
    });

    it('rotates to a new key pair with a grace period for the old one', async () => {
      const { id, created } = await subscribe();
      const before = Date.now();
      const response = await rotate(id, { grace_seconds: 3600 });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ public_key: expect.stringMatching(PUBLIC_KEY), previous_public_key_expires_at: expect.stringMatching(ISO_UTC) });
      expect(response.body.public_key).not.toBe(created.public_key);
      expect(Date.parse(response.body.previous_public_key_expires_at)).toBeGreaterThanOrEqual(before + 3600_000);
      expect(await secretOf(id)).toEqual({ public_key: response.body.public_key });
      expect((await stack.api.request('GET', `/v1/webhooks/${id}`, { key: stack.key })).body.public_key).toBe(response.body.public_key);
      expect(await stored(id)).toMatchObject({ previous_secret: expect.stringMatching(/^enc:v1:/), previous_signature_scheme: 'ed25519' });
    });

    it('changes the scheme on PATCH with a new stack.key, both ways', async () => {
      const { id } = await subscribe({});
      const toEd25519 = await patch(id, { signature_scheme: 'ed25519' });
      expect(toEd25519.status).toBe(200);
      expect(toEd25519.body).toMatchObject({ signature_scheme: 'ed25519', public_key: expect.stringMatching(PUBLIC_KEY) });
      expect(toEd25519.body).not.toHaveProperty('secret');
      expect(await secretOf(id)).toEqual({ public_key: toEd25519.body.public_key });

      // The same scheme again changes nothing.
      expect((await patch(id, { signature_scheme: 'ed25519' })).body.public_key).toBe(toEd25519.body.public_key);

      const toHmac = await patch(id, { signature_scheme: 'hmac', secret: 'back to a shared secret' });
      expect(toHmac.status).toBe(200);
      expect(toHmac.body.signature_scheme).toBe('hmac');
      expect(toHmac.body).not.toHaveProperty('public_key');
      expect(await secretOf(id)).toEqual({ secret: 'back to a shared secret' });
      expect(await stored(id)).toMatchObject({ public_key: null, previous_signature_scheme: 'ed25519' });
    });

    it('works the same through a tenant-scoped portal token', async () => {
      const session = await stack.api.request('POST', '/v1/portal/sessions', { key: stack.key, body: { tenant: 'acme' } });
      expect(session.status).toBe(201);
      const asTenant = { key: session.body.token as string };
      const path = `/ed25519-${++pathCounter}`;
      const created = await stack.api.request('POST', '/v1/webhooks', {
        ...asTenant,
        body: { name: 'tenant', url: `${stack.receiver.url}${path}`, events: ['*'], signature_scheme: 'ed25519' },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ channels: ['acme'], signature_scheme: 'ed25519', public_key: expect.stringMatching(PUBLIC_KEY) });
      expect((await stack.api.request('GET', `/v1/webhooks/${created.body.id}/secret`, asTenant)).body).toEqual({ public_key: created.body.public_key });
      const rotated = await stack.api.request('POST', `/v1/webhooks/${created.body.id}/secret/rotate`, { ...asTenant, body: { grace_seconds: 0 } });
      expect(rotated.body).toEqual({ public_key: expect.stringMatching(PUBLIC_KEY), previous_public_key_expires_at: expect.stringMatching(ISO_UTC) });

      const eventId = await stack.publish({ event_type: 'order.paid', channel: 'acme', data: { amount: 42 } });
      const request = await waitFor(() => stack.receiver.requests.find((received) => received.path === path && received.headers['webhook-id'] === eventId), {
        what: 'the tenant delivery',
      });
      expect(verifyWebhook(request.body, request.headers, rotated.body.public_key)).toMatchObject({ channel: 'acme' });
    });

    it.each([
      ['an unknown signature_scheme', { signature_scheme: 'rsa' }, 'signature_scheme', 'signature_scheme must be one of: hmac, ed25519'],
      ['signature_scheme null', { signature_scheme: null }, 'signature_scheme', 'signature_scheme must be one of: hmac, ed25519'],
      ['signature_scheme in capitals', { signature_scheme: 'ED25519' }, 'signature_scheme', 'signature_scheme must be one of: hmac, ed25519'],
      [
        'a secret with ed25519',
        { signature_scheme: 'ed25519', secret: 'my-own-secret' },
        'secret',
        expect.stringContaining('ed25519 subscription has no secret'),
      ],
      ['a whsk_ secret', { secret: `whsk_${randomBytes(64).toString('base64')}` }, 'secret', expect.stringContaining('whsk_ and whpk_')],
      ['a whpk_ secret', { secret: `whpk_${randomBytes(32).toString('base64')}` }, 'secret', expect.stringContaining('whsk_ and whpk_')],
    ])('answers 400 on create for %s, with details', async (_, body, field, message) => {
      const response = await create({ url: `${stack.receiver.url}/refused`, ...body });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: 'validation_failed', message: 'The request is invalid.', details: [{ field, message }] });
    });

    it('answers 400 for a secret sent to an ed25519 subscription (PATCH, rotate) and keeps its key', async () => {
      const { id, created } = await subscribe();
      for (const response of [
        await patch(id, { secret: 'x-secret' }),
        await rotate(id, { secret: 'x-secret' }),
        await patch(id, { signature_scheme: 'bad' }),
      ]) {
        expect(response.status).toBe(400);
        expect(response.body).toMatchObject({
          error: 'validation_failed',
          details: [expect.objectContaining({ field: expect.stringMatching(/^(secret|signature_scheme)$/) })],
        });
      }
      expect(await secretOf(id)).toEqual({ public_key: created.public_key });
    });
  });

  describe('deliveries', () => {
    it('carry a v1a signature the receiver kit verifies with the public stack.key, and no X-Webhook-Signature', async () => {
      const { created, path } = await subscribe();
      const request = await deliverOne(path);
      expect(request.headers['webhook-signature']).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
      expect(request.headers).not.toHaveProperty('x-webhook-signature');
      expect(verifyWebhook(request.body, request.headers, created.public_key)).toMatchObject({ event_type: 'order.paid', data: { amount: 42 } });
      expect(() => verifyWebhook(request.body.replace('42', '43'), request.headers, created.public_key)).toThrow(InvalidSignatureError);
      const { created: other } = await subscribe();
      expect(() => verifyWebhook(request.body, request.headers, other.public_key)).toThrow(InvalidSignatureError);
    });

    it('carry two v1a signatures during a rotation grace period, new key first, both verifiable', async () => {
      const { id, created, path } = await subscribe();
      const rotated = (await rotate(id, { grace_seconds: 3600 })).body;
      const request = await deliverOne(path);
      expect(signatures(request)).toEqual([expect.stringMatching(/^v1a,/), expect.stringMatching(/^v1a,/)]);
      expect(entryVerifies(request, 0, rotated.public_key)).toBe(true);
      expect(entryVerifies(request, 1, created.public_key)).toBe(true);
      expect(entryVerifies(request, 0, created.public_key)).toBe(false);
      expect(verifyWebhook(request.body, request.headers, rotated.public_key)).toBeDefined();
      expect(verifyWebhook(request.body, request.headers, created.public_key)).toBeDefined();
      expect(request.headers).not.toHaveProperty('x-webhook-signature');
    });

    it('carry the new key alone after a rotation with grace_seconds 0', async () => {
      const { id, created, path } = await subscribe();
      const rotated = (await rotate(id, { grace_seconds: 0 })).body;
      const request = await deliverOne(path);
      expect(signatures(request)).toHaveLength(1);
      expect(verifyWebhook(request.body, request.headers, rotated.public_key)).toBeDefined();
      expect(() => verifyWebhook(request.body, request.headers, created.public_key)).toThrow(InvalidSignatureError);
    });

    it("after PATCH hmac → ed25519, carry the v1a signature first and the old secret's v1 for the grace period", async () => {
      const { id, created, path } = await subscribe({});
      const { public_key: publicKey } = (await patch(id, { signature_scheme: 'ed25519' })).body;
      const request = await deliverOne(path);
      expect(signatures(request)).toEqual([expect.stringMatching(/^v1a,/), expect.stringMatching(/^v1,/)]);
      expect(verifyWebhook(request.body, request.headers, publicKey)).toBeDefined();
      expect(verifyWebhook(request.body, request.headers, created.secret, { schemes: ['standard'] })).toBeDefined();
      expect(request.headers).not.toHaveProperty('x-webhook-signature');
    });

    it("after PATCH ed25519 → hmac, carry the new secret's v1 and body HMAC, and the old key's v1a", async () => {
      const { id, created, path } = await subscribe();
      expect((await patch(id, { signature_scheme: 'hmac' })).status).toBe(200);
      const { secret } = await secretOf(id);
      expect(secret).toMatch(/^whsec_/);
      const request = await deliverOne(path);
      expect(signatures(request)).toEqual([expect.stringMatching(/^v1,/), expect.stringMatching(/^v1a,/)]);
      expect(verifyWebhook(request.body, request.headers, secret, { schemes: ['standard'] })).toBeDefined();
      expect(verifyWebhook(request.body, request.headers, secret, { schemes: ['body-signature'] })).toBeDefined();
      expect(verifyWebhook(request.body, request.headers, created.public_key)).toBeDefined();
    });
  });
});
