import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { testConfig } from './support/config';
import { waitFor } from './support/poll';
import { useStack, type OrgClient } from './support/stack';

interface Attempt {
  attempt: number;
  request_status: string;
  response_status: number | null;
  error_message: string | null;
  response_body: string | null;
  started_at: string;
}

/** Backoff, attempt records, failure kinds and manual retry, through the real api and worker. */
describe('worker: retries', () => {
  // Delays of 200 ms then 600 ms (±20%): far enough apart that "increasing" cannot be scheduling noise.
  const config = testConfig({ retryBaseMs: 200, retryFactor: 3, retryMaxDelayMs: 5_000, requestTimeoutMs: 500 });
  const stack = useStack({ config });
  let org: OrgClient;
  let key: string;

  beforeEach(async () => {
    org = await stack.addOrg('worker retries');
    key = org.key;
  });

  const publish = (eventType = 'retry.check') => org.publish({ event_type: eventType, data: {} });
  const logOf = (eventId: string) =>
    waitFor(async () => (await stack.api.request('GET', `/v1/events/${eventId}`, { key })).body.deliveries?.[0]?.log_id as string | undefined, {
      what: 'the delivery',
    });
  const settledLog = (logId: string, status: string, attempts: number) =>
    waitFor(
      async () => {
        const { body } = await stack.api.request('GET', `/v1/webhooks/logs/${logId}`, { key });
        return body.status === status && body.attempts === attempts && body;
      },
      { what: `log ${logId} ${status} after ${attempts} attempts` },
    ) as Promise<{ status: string; attempts: number; next_attempt_at: string | null; error_message: string | null; attempts_detail: Attempt[] }>;
  const requestsTo = (path: string) => stack.receiver.requests.filter((request) => request.path === path);

  it('retries a failing receiver with increasing delays and records every attempt', async () => {
    stack.receiver.respondWith((request, response) => {
      const seen = requestsTo('/flaky').indexOf(request);
      if (request.path === '/flaky' && seen < 2) return void response.writeHead(500).end(`boom ${seen + 1}`);
      response.writeHead(200).end('ok');
    });
    await org.createSubscription({ url: `${stack.receiver.url}/flaky` });
    const eventId = await publish();
    const log = await settledLog(await logOf(eventId), 'delivered', 3);

    expect(
      log.attempts_detail.map(({ attempt, request_status, response_status, response_body }) => ({ attempt, request_status, response_status, response_body })),
    ).toEqual([
      { attempt: 1, request_status: 'error', response_status: 500, response_body: 'boom 1' },
      { attempt: 2, request_status: 'error', response_status: 500, response_body: 'boom 2' },
      { attempt: 3, request_status: 'success', response_status: 200, response_body: 'ok' },
    ]);
    const requests = requestsTo('/flaky');
    expect(requests.map((request) => request.headers['x-webhook-attempt'])).toEqual(['1', '2', '3']);
    // The same webhook-id on every attempt, so receivers can deduplicate.
    expect(new Set(requests.map((request) => request.headers['webhook-id']))).toEqual(new Set([eventId]));
    const firstGap = requests[1].receivedAt - requests[0].receivedAt;
    const secondGap = requests[2].receivedAt - requests[1].receivedAt;
    expect(firstGap).toBeGreaterThanOrEqual(160);
    expect(secondGap).toBeGreaterThan(firstGap);
    expect(secondGap).toBeGreaterThanOrEqual(480);
  });

  it('fails the delivery once max_attempts are spent, leaving the subscription active', async () => {
    stack.receiver.respondWith((request, response) => void response.writeHead(request.path === '/down' ? 503 : 200).end());
    const subscription = await org.createSubscription({ url: `${stack.receiver.url}/down`, max_attempts: 2 });
    const log = await settledLog(await logOf(await publish()), 'failed', 2);
    expect(log).toMatchObject({ next_attempt_at: null, error_message: 'HTTP 503' });
    expect(log.attempts_detail.map((attempt) => attempt.response_status)).toEqual([503, 503]);
    expect((await stack.api.request('GET', `/v1/webhooks/${subscription.id}`, { key })).body.is_active).toBe(true);
  });

  it('honours Retry-After on 429', async () => {
    stack.receiver.respondWith((request, response) => {
      if (request.path === '/busy' && requestsTo('/busy').length === 1) return void response.writeHead(429, { 'Retry-After': '1' }).end();
      response.writeHead(200).end('ok');
    });
    await org.createSubscription({ url: `${stack.receiver.url}/busy` });
    await settledLog(await logOf(await publish()), 'delivered', 2);
    const [first, second] = requestsTo('/busy');
    // Retry-After: 1 (second) instead of the 200 ms computed delay.
    expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(950);
  });

  it('records timeouts, refused connections and redirects as failed attempts, without following redirects', async () => {
    stack.receiver.respondWith((request, response) => {
      if (request.path === '/hang') return; // never answers
      if (request.path === '/redirect') return void response.writeHead(302, { Location: `${stack.receiver.url}/elsewhere` }).end();
      response.writeHead(200).end('ok');
    });
    const closedPort = await unusedPort();
    await org.createSubscription({ url: `${stack.receiver.url}/hang`, max_attempts: 1, events: ['hang'] });
    await org.createSubscription({ url: `http://127.0.0.1:${closedPort}/refused`, max_attempts: 1, events: ['refused'] });
    await org.createSubscription({ url: `${stack.receiver.url}/redirect`, max_attempts: 1, events: ['redirect'] });

    const [hang, refused, redirect] = await Promise.all(
      ['hang', 'refused', 'redirect'].map(async (type) => settledLog(await logOf(await publish(type)), 'failed', 1)),
    );
    expect(hang.attempts_detail[0]).toMatchObject({ request_status: 'error', response_status: null, error_message: 'timeout after 500 ms' });
    expect(refused.attempts_detail[0]).toMatchObject({ request_status: 'error', response_status: null, error_message: 'connection refused' });
    expect(redirect.attempts_detail[0]).toMatchObject({
      request_status: 'error',
      response_status: 302,
      error_message: `HTTP 302: redirects are not followed (to ${stack.receiver.url}/elsewhere)`,
    });
    expect(requestsTo('/elsewhere')).toHaveLength(0);
  });

  it('stores at most 4 KiB of a large response body', async () => {
    stack.receiver.respondWith((request, response) => void response.writeHead(200).end('x'.repeat(1024 * 1024)));
    await org.createSubscription({ url: `${stack.receiver.url}/big` });
    const log = await settledLog(await logOf(await publish()), 'delivered', 1);
    expect(log.attempts_detail[0].response_body).toBe('x'.repeat(4096));
  });

  it('appends attempts when a failed delivery is retried by hand', async () => {
    let healthy = false;
    stack.receiver.respondWith((request, response) => void response.writeHead(request.path === '/later' && !healthy ? 500 : 200).end());
    const subscription = await org.createSubscription({ url: `${stack.receiver.url}/later`, max_attempts: 1 });
    const logId = await logOf(await publish());
    await settledLog(logId, 'failed', 1);
    // The run of failures auto-disable measures starts with the first failed attempt...
    const failingSince = async () =>
      (await stack.db.query('SELECT failing_since FROM subscriptions WHERE id = $1', [subscription.id])).rows[0].failing_since as Date | null;
    expect(await failingSince()).toBeInstanceOf(Date);

    healthy = true;
    const retry = await stack.api.request('POST', `/v1/webhooks/logs/${logId}/retry`, { key });
    expect(retry.status).toBe(202);
    const log = await settledLog(logId, 'delivered', 2);
    expect(log.attempts_detail.map(({ attempt, request_status }) => ({ attempt, request_status }))).toEqual([
      { attempt: 1, request_status: 'error' },
      { attempt: 2, request_status: 'success' },
    ]);
    expect(requestsTo('/later').map((request) => request.headers['x-webhook-attempt'])).toEqual(['1', '2']);
    // ...and ends with a success.
    expect(await failingSince()).toBeNull();
  });

  it('cancels pending deliveries of a deleted subscription', async () => {
    stack.receiver.respondWith((request, response) => void response.writeHead(request.path === '/deleted' ? 500 : 200).end());
    const subscription = await org.createSubscription({ url: `${stack.receiver.url}/deleted`, max_attempts: 20 });
    const logId = await logOf(await publish());
    await settledLog(logId, 'retrying', 1);
    expect((await stack.api.request('DELETE', `/v1/webhooks/${subscription.id}`, { key })).status).toBe(204);
    await settledLog(logId, 'cancelled', 1);
  });
});

/** A port nothing listens on: bound once, then released. */
async function unusedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
