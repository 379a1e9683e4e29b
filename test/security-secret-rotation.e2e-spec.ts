import { createHmac, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { signingKey } from '@app/domain/signing';
import { testConfig } from './support/config';
import { waitFor } from './support/poll';
import type { ReceivedRequest } from './support/receiver';
import { useStack } from './support/stack';

const DAY_MS = 86_400_000;
const OLD_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const NEW_SECRET = `whsec_${randomBytes(24).toString('base64')}`;

/** POST /v1/webhooks/:id/secret/rotate, and what the worker signs with during and after the grace period. */
describe('security: secret rotation', () => {
  // Secrets encrypted at rest, so the worker's decryption of the previous secret is exercised too.
  const config = testConfig({ encryptionKey: randomBytes(32) });
  const stack = useStack({ config });
  let key: string;
  let orgId: string;

  beforeEach(async () => {
    ({ id: orgId, key } = await stack.addOrg('secret rotation'));
  });

  let pathCounter = 0;
  /** A subscription with OLD_SECRET on its own receiver path. */
  const createSubscription = async (secret = OLD_SECRET) => {
    const path = `/rotation-${++pathCounter}`;
    const response = await stack.api.request('POST', '/v1/webhooks', {
      key,
      body: { name: 'rotating', url: `${stack.receiver.url}${path}`, events: ['*'], secret },
    });
    expect(response.status).toBe(201);
    return { id: response.body.id as string, path };
  };
  const rotate = (id: string, body?: Record<string, unknown>, apiKey = key) =>
    stack.api.request('POST', `/v1/webhooks/${id}/secret/rotate`, { key: apiKey, body });
  /** Publishes an event and returns the request the receiver got for it on `path`. */
  const deliverOne = async (path: string): Promise<ReceivedRequest> => {
    const published = await stack.api.request('POST', '/v1/events', { key, body: { event_type: 'order.paid', data: { order: pathCounter } } });
    expect(published.status).toBe(202);
    const eventId = published.body.event_id as string;
    return waitFor(() => stack.receiver.requests.find((request) => request.path === path && request.headers['webhook-id'] === eventId), {
      what: `delivery of ${eventId}`,
    });
  };
  const verifies = (secret: string, request: ReceivedRequest) => {
    try {
      new Webhook(secret).verify(request.body, request.headers as Record<string, string>);
      return true;
    } catch {
      return false;
    }
  };
  const bodySignature = (secret: string, body: string) => `sha256=${createHmac('sha256', signingKey(secret)).update(body).digest('hex')}`;
  const storedSecrets = async (id: string) =>
    (await stack.db.query('SELECT secret, previous_secret, previous_secret_expires_at FROM subscriptions WHERE id = $1', [id])).rows[0] as {
      secret: string;
      previous_secret: string | null;
      previous_secret_expires_at: Date | null;
    };

  it('answers 200 with the new secret and the end of a default 24 h grace period', async () => {
    const { id } = await createSubscription();
    const before = Date.now();
    const response = await rotate(id, { secret: NEW_SECRET });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ secret: NEW_SECRET, previous_secret_expires_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) });
    const expiresAt = Date.parse(response.body.previous_secret_expires_at);
    expect(expiresAt).toBeGreaterThanOrEqual(before + DAY_MS);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + DAY_MS);
    expect((await stack.api.request('GET', `/v1/webhooks/${id}/secret`, { key })).body).toEqual({ secret: NEW_SECRET });
    // Neither secret is in the subscription's own representation.
    expect(JSON.stringify((await stack.api.request('GET', `/v1/webhooks/${id}`, { key })).body)).not.toMatch(/whsec_/);
  });

  it('signs with both secrets during the grace period, X-Webhook-Signature with the new one', async () => {
    const { id, path } = await createSubscription();
    expect((await rotate(id, { secret: NEW_SECRET, grace_seconds: 3600 })).status).toBe(200);

    const request = await deliverOne(path);
    expect((request.headers['webhook-signature'] as string).split(' ')).toHaveLength(2);
    expect(verifies(NEW_SECRET, request)).toBe(true);
    expect(verifies(OLD_SECRET, request)).toBe(true);
    expect(verifies(`whsec_${randomBytes(24).toString('base64')}`, request)).toBe(false);
    expect(request.headers['x-webhook-signature']).toBe(bodySignature(NEW_SECRET, request.body));
  });

  it('stores the previous secret encrypted, with its expiry', async () => {
    const { id } = await createSubscription();
    const response = await rotate(id, { secret: NEW_SECRET, grace_seconds: 60 });
    const stored = await storedSecrets(id);
    expect(stored.secret).toMatch(/^enc:v1:/);
    expect(stored.previous_secret).toMatch(/^enc:v1:/);
    expect(`${stored.secret} ${stored.previous_secret}`).not.toContain(OLD_SECRET.slice('whsec_'.length));
    expect(stored.previous_secret_expires_at?.toISOString()).toBe(response.body.previous_secret_expires_at);
  });

  it('signs with the new secret alone once the grace period has ended', async () => {
    const { id, path } = await createSubscription();
    const response = await rotate(id, { secret: NEW_SECRET, grace_seconds: 1 });
    const expiresAt = Date.parse(response.body.previous_secret_expires_at);
    await waitFor(() => Date.now() > expiresAt, { what: 'the end of the grace period' });

    const request = await deliverOne(path);
    expect((request.headers['webhook-signature'] as string).split(' ')).toHaveLength(1);
    expect(verifies(NEW_SECRET, request)).toBe(true);
    expect(verifies(OLD_SECRET, request)).toBe(false);
    expect(request.headers['x-webhook-signature']).toBe(bodySignature(NEW_SECRET, request.body));
  });

  it('drops the old secret at once with grace_seconds 0', async () => {
    const { id, path } = await createSubscription();
    const before = Date.now();
    const response = await rotate(id, { secret: NEW_SECRET, grace_seconds: 0 });
    expect(response.status).toBe(200);
    const expiresAt = Date.parse(response.body.previous_secret_expires_at);
    expect(expiresAt).toBeGreaterThanOrEqual(before);
    expect(expiresAt).toBeLessThanOrEqual(Date.now());
    expect(await storedSecrets(id)).toMatchObject({ previous_secret: null, previous_secret_expires_at: null });

    const request = await deliverOne(path);
    expect(verifies(NEW_SECRET, request)).toBe(true);
    expect(verifies(OLD_SECRET, request)).toBe(false);
  });

  it('generates a whsec_ secret when none is sent, also for a request without a body', async () => {
    const { id, path } = await createSubscription();
    const withEmptyObject = await rotate(id, {});
    expect(withEmptyObject.status).toBe(200);
    expect(withEmptyObject.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);

    const withoutBody = await rotate(id);
    expect(withoutBody.status).toBe(200);
    expect(withoutBody.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(withoutBody.body.secret).not.toBe(withEmptyObject.body.secret);

    // The second rotation's previous secret is the first one's new secret.
    const request = await deliverOne(path);
    expect(verifies(withoutBody.body.secret, request)).toBe(true);
    expect(verifies(withEmptyObject.body.secret, request)).toBe(true);
    expect(verifies(OLD_SECRET, request)).toBe(false);
  });

  it('lets a PATCHed secret replace both secrets at once', async () => {
    const { id, path } = await createSubscription();
    expect((await rotate(id, { secret: NEW_SECRET })).status).toBe(200);
    const patched = 'a plain-text secret';
    expect((await stack.api.request('PATCH', `/v1/webhooks/${id}`, { key, body: { secret: patched } })).status).toBe(200);
    expect(await storedSecrets(id)).toMatchObject({ previous_secret: null, previous_secret_expires_at: null });

    const request = await deliverOne(path);
    expect((request.headers['webhook-signature'] as string).split(' ')).toHaveLength(1);
    expect(request.headers['x-webhook-signature']).toBe(bodySignature(patched, request.body));
    expect(verifies(NEW_SECRET, request)).toBe(false);
  });

  it.each([
    ['grace_seconds below 0', { grace_seconds: -1 }, 'grace_seconds'],
    ['grace_seconds above 7 days', { grace_seconds: 604_801 }, 'grace_seconds'],
    ['a fractional grace_seconds', { grace_seconds: 1.5 }, 'grace_seconds'],
    ['grace_seconds as a string', { grace_seconds: '60' }, 'grace_seconds'],
    ['grace_seconds null', { grace_seconds: null }, 'grace_seconds'],
    ['an empty secret', { secret: '' }, 'secret'],
    ['a secret over 255 characters', { secret: 'x'.repeat(256) }, 'secret'],
    ['a whsec_ secret that is not base64', { secret: 'whsec_not base64!' }, 'secret'],
    ['a secret that is a number', { secret: 12345678 }, 'secret'],
    ['an unknown field', { grace: 60 }, 'grace'],
  ])('answers 400 for %s and keeps the secret', async (_, body, field) => {
    const { id } = await createSubscription();
    const response = await rotate(id, body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'validation_failed', message: expect.any(String), details: [expect.objectContaining({ field })] });
    expect((await stack.api.request('GET', `/v1/webhooks/${id}/secret`, { key })).body).toEqual({ secret: OLD_SECRET });
  });

  it("answers 404 for another organization's subscription, a channel webhook, a deleted or unknown id", async () => {
    const { id } = await createSubscription();
    const other = await stack.api.createOrg('rotation outsider');
    expect(await rotate(id, { secret: NEW_SECRET }, other.api_key)).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect((await stack.api.request('GET', `/v1/webhooks/${id}/secret`, { key })).body).toEqual({ secret: OLD_SECRET });

    expect((await stack.api.request('PUT', '/v1/channels/queue:rotation/webhook', { key, body: { url: `${stack.receiver.url}/channel` } })).status).toBe(200);
    const channelWebhook = (await stack.db.query("SELECT id FROM subscriptions WHERE kind = 'channel' AND organization_id = $1", [orgId])).rows;
    expect(channelWebhook).toHaveLength(1);
    for (const { id: channelWebhookId } of channelWebhook) {
      expect(await rotate(channelWebhookId, {})).toMatchObject({ status: 404, body: { error: 'not_found' } });
    }

    expect(await rotate('sub_does_not_exist', {})).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect((await stack.api.request('DELETE', `/v1/webhooks/${id}`, { key })).status).toBe(204);
    expect(await rotate(id, {})).toMatchObject({ status: 404, body: { error: 'not_found' } });
  });

  it('answers 401 without an API key', async () => {
    const { id } = await createSubscription();
    expect(await rotate(id, {}, '')).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
  });
});
