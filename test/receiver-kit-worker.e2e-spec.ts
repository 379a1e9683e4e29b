import { randomBytes } from 'node:crypto';
import {
  createMemoryReplayGuard,
  InvalidSignatureError,
  MissingHeadersError,
  ReplayedWebhookError,
  TimestampOutOfToleranceError,
  verifyWebhook,
} from '../packages/receiver-kit/src';
import { waitFor } from './support/poll';
import type { ReceivedRequest } from './support/receiver';
import { useStack } from './support/stack';

/** A token header name other than the default, so the kit's tokenHeader option meets the worker's WEBHOOK_TOKEN_HEADER. */
const TOKEN_HEADER = 'X-Hook-Token';

/** Deliveries signed by the real worker, verified with the receiver kit as a receiver would. */
describe('receiver kit: deliveries signed by the real worker', () => {
  // Retries over a second apart (jitter ±20 %), so a retry always carries a later webhook-timestamp than its first attempt.
  const stack = useStack({ config: { webhookTokenHeader: TOKEN_HEADER, retryBaseMs: 1300 }, orgName: 'receiver kit' });

  const subscribe = (body: Record<string, unknown>) => stack.createSubscription({ name: 'kit', ...body });
  /** The one delivery of `eventId` to `path` (paths are unique per test). */
  const deliveryTo = async (path: string, eventId: string) => {
    const matching = () => stack.receiver.requests.filter((request) => request.path === path && request.headers['webhook-id'] === eventId);
    const [request] = await waitFor(() => (matching().length > 0 ? matching() : undefined), { what: `the delivery of ${eventId} to ${path}` });
    return request;
  };
  const tampered = (request: ReceivedRequest) => request.body.replace('"amount":42', '"amount":4200');
  const withoutStandardHeaders = (request: ReceivedRequest) =>
    Object.fromEntries(Object.entries(request.headers).filter(([name]) => !name.startsWith('webhook-')));

  it('verifies an envelope signed with a generated whsec_ secret, and rejects a tampered body or another secret', async () => {
    const { secret } = await subscribe({ url: `${stack.receiver.url}/whsec`, events: ['invoice.paid'] });
    expect(secret).toMatch(/^whsec_/);
    const eventId = await stack.publish({ event_type: 'invoice.paid', data: { amount: 42, note: 'ünïcødé ✓' }, call_id: 'call_kit_1' });
    const request = await deliveryTo('/whsec', eventId);

    expect(verifyWebhook(request.body, request.headers, secret)).toEqual({
      event_id: eventId,
      event_type: 'invoice.paid',
      organization_id: expect.any(String),
      timestamp: expect.any(String),
      call_id: 'call_kit_1',
      data: { amount: 42, note: 'ünïcødé ✓' },
    });
    // The raw bytes as a Buffer verify the same way.
    expect(verifyWebhook(Buffer.from(request.body, 'utf8'), request.headers, secret)).toMatchObject({ event_id: eventId });
    expect(() => verifyWebhook(tampered(request), request.headers, secret)).toThrow(InvalidSignatureError);
    expect(() => verifyWebhook(request.body, request.headers, `whsec_${randomBytes(24).toString('base64')}`)).toThrow(InvalidSignatureError);
    expect(() => verifyWebhook(request.body, request.headers, 'not-the-secret')).toThrow(InvalidSignatureError);
  });

  it('verifies with a plain secret, through the standard headers and through X-Webhook-Signature alone', async () => {
    const secret = 'a plain secret ✓ (UTF-8 bytes are the stack.key)';
    await subscribe({ url: `${stack.receiver.url}/plain`, events: ['invoice.paid'], secret });
    const eventId = await stack.publish({ event_type: 'invoice.paid', data: { amount: 42 } });
    const request = await deliveryTo('/plain', eventId);

    expect(verifyWebhook(request.body, request.headers, secret)).toMatchObject({ event_id: eventId, data: { amount: 42 } });
    expect(() => verifyWebhook(tampered(request), request.headers, secret)).toThrow(InvalidSignatureError);
    expect(() => verifyWebhook(request.body, request.headers, `${secret}!`)).toThrow(InvalidSignatureError);

    // Stripped of its webhook-* headers, the worker's X-Webhook-Signature (body HMAC) still proves the sender...
    const bodySignatureOnly = withoutStandardHeaders(request);
    expect(bodySignatureOnly['x-webhook-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhook(request.body, bodySignatureOnly, secret)).toMatchObject({ event_id: eventId });
    expect(() => verifyWebhook(tampered(request), bodySignatureOnly, secret)).toThrow(InvalidSignatureError);
    // ...unless the receiver insists on the timestamped scheme.
    expect(() => verifyWebhook(request.body, bodySignatureOnly, secret, { schemes: ['standard'] })).toThrow(MissingHeadersError);
  });

  it("verifies an ed25519 subscription's v1a signature with the public_key from the API, which cannot pass for a secret", async () => {
    const created = await subscribe({ url: `${stack.receiver.url}/ed25519`, events: ['invoice.paid'], signature_scheme: 'ed25519' });
    const publicKey = (await stack.api.request('GET', `/v1/webhooks/${created.id}/secret`, { key: stack.key })).body.public_key as string;
    expect(publicKey).toMatch(/^whpk_/);
    const eventId = await stack.publish({ event_type: 'invoice.paid', data: { amount: 42 }, call_id: 'call_kit_ed25519' });
    const request = await deliveryTo('/ed25519', eventId);

    expect(verifyWebhook(request.body, request.headers, publicKey)).toMatchObject({ event_id: eventId, call_id: 'call_kit_ed25519', data: { amount: 42 } });
    expect(verifyWebhook(request.body, request.headers, publicKey, { schemes: ['standard'] })).toMatchObject({ event_id: eventId });
    expect(() => verifyWebhook(tampered(request), request.headers, publicKey)).toThrow(InvalidSignatureError);
    // No body HMAC to fall back on: stripped of its webhook-* headers, the delivery proves nothing.
    expect(request.headers['x-webhook-signature']).toBeUndefined();
    expect(() => verifyWebhook(request.body, withoutStandardHeaders(request), publicKey)).toThrow(MissingHeadersError);
  });

  it('verifies the bare data body of payload_format "data"', async () => {
    const { secret } = await subscribe({ url: `${stack.receiver.url}/data`, events: ['invoice.paid'], payload_format: 'data' });
    const eventId = await stack.publish({ event_type: 'invoice.paid', data: { amount: 42, lines: [1, 2] }, call_id: 'call_kit_data' });
    const request = await deliveryTo('/data', eventId);

    expect(verifyWebhook(request.body, request.headers, secret)).toEqual({ amount: 42, lines: [1, 2] });
    expect(request.headers['x-webhook-call-id']).toBe('call_kit_data');
    expect(() => verifyWebhook(tampered(request), request.headers, secret)).toThrow(InvalidSignatureError);
  });

  it('refuses a stale or replayed delivery; a retry of the same event (new timestamp) passes the replay guard', async () => {
    const { secret } = await subscribe({ url: `${stack.receiver.url}/flaky`, events: ['invoice.retried'] });
    stack.receiver.respondWith((request, response) => {
      const isFirstAttempt = request.path === '/flaky' && request.headers['x-webhook-attempt'] === '1';
      response.writeHead(isFirstAttempt ? 503 : 200).end(isFirstAttempt ? 'busy' : 'ok');
    });
    try {
      const eventId = await stack.publish({ event_type: 'invoice.retried', data: { amount: 42 } });
      const attempts = await waitFor(
        () => {
          const seen = stack.receiver.requests.filter((request) => request.path === '/flaky' && request.headers['webhook-id'] === eventId);
          return seen.length === 2 ? seen : undefined;
        },
        { what: 'the first attempt and its retry' },
      );
      const [first, retry] = attempts;
      expect(retry.headers['x-webhook-attempt']).toBe('2');
      expect(Number(retry.headers['webhook-timestamp'])).toBeGreaterThan(Number(first.headers['webhook-timestamp']));
      expect(retry.headers['webhook-signature']).not.toBe(first.headers['webhook-signature']);

      const replayGuard = createMemoryReplayGuard({ ttlSeconds: 300 });
      expect(verifyWebhook(first.body, first.headers, secret, { replayGuard })).toMatchObject({ event_id: eventId });
      expect(() => verifyWebhook(first.body, first.headers, secret, { replayGuard })).toThrow(ReplayedWebhookError);
      expect(verifyWebhook(retry.body, retry.headers, secret, { replayGuard })).toMatchObject({ event_id: eventId });
      expect(() => verifyWebhook(retry.body, retry.headers, secret, { replayGuard })).toThrow(ReplayedWebhookError);

      // Ten minutes later the same delivery is outside the default 300 s tolerance.
      const later = () => Number(first.headers['webhook-timestamp']) * 1000 + 10 * 60 * 1000;
      expect(() => verifyWebhook(first.body, first.headers, secret, { now: later })).toThrow(TimestampOutOfToleranceError);
    } finally {
      stack.receiver.respondWith((_, response) => void response.writeHead(200).end('ok'));
    }
  });

  it('verifies a channel webhook with its token, as signing secret and as the configured token header', async () => {
    const channel = 'worker:w_kit';
    const put = await stack.api.request('PUT', `/v1/channels/${channel}/webhook`, { key: stack.key, body: { url: `${stack.receiver.url}/channel` } });
    expect(put.status).toBe(200);
    const { token } = put.body as { token: string };
    const eventId = await stack.publish({ event_type: 'task.completed', data: { amount: 42 }, channel });
    const request = await deliveryTo('/channel', eventId);

    expect(request.headers[TOKEN_HEADER.toLowerCase()]).toBe(token);
    expect(verifyWebhook(request.body, request.headers, token)).toMatchObject({ event_id: eventId, channel });
    expect(() => verifyWebhook(tampered(request), request.headers, token)).toThrow(InvalidSignatureError);
    expect(() => verifyWebhook(request.body, request.headers, `${token}x`)).toThrow(InvalidSignatureError);

    // The token scheme alone, for receivers that only compare the header.
    const tokenOnly = { schemes: ['token'] as const, tokenHeader: TOKEN_HEADER };
    expect(verifyWebhook(request.body, request.headers, token, tokenOnly)).toMatchObject({ event_id: eventId });
    expect(() => verifyWebhook(request.body, request.headers, `${token}x`, tokenOnly)).toThrow(InvalidSignatureError);
    // Under the default header name the worker's token is not found.
    expect(() => verifyWebhook(request.body, request.headers, token, { schemes: ['token'] })).toThrow(MissingHeadersError);

    // After regenerate-token, a new delivery verifies with the new token only.
    const regenerated = await stack.api.request('POST', `/v1/channels/${channel}/webhook/regenerate-token`, { key: stack.key });
    expect(regenerated.status).toBe(200);
    const newToken = regenerated.body.token as string;
    const nextId = await stack.publish({ event_type: 'task.completed', data: { amount: 42 }, channel });
    const next = await deliveryTo('/channel', nextId);
    expect(verifyWebhook(next.body, next.headers, newToken)).toMatchObject({ event_id: nextId });
    expect(() => verifyWebhook(next.body, next.headers, token)).toThrow(InvalidSignatureError);
  });
});
