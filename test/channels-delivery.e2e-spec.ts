import { createHmac, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { PrismaService } from '@app/database';
import { waitFor } from './support/poll';
import type { ReceivedRequest } from './support/receiver';
import { useStack, type OrgClient } from './support/stack';

type Headers = Record<string, string>;

/** Standard Webhooks signature check with the token's UTF-8 bytes as the key (a whk_ token is not base64). */
const verifyWithToken = (token: string, request: ReceivedRequest) => new Webhook(token, { format: 'raw' }).verify(request.body, request.headers as Headers);

const bodySignature = (token: string, body: string) => `sha256=${createHmac('sha256', token).update(body).digest('hex')}`;

/** Channel webhooks through the real api, worker and an HTTP receiver on 127.0.0.1. */
describe('channel webhooks: deliveries', () => {
  const stack = useStack();
  let org: OrgClient;
  let key: string;
  let orgId: string;

  // Each test has its own organization, so no test sees another's channel webhooks.
  beforeEach(async () => {
    org = await stack.addOrg('channel deliveries');
    ({ id: orgId, key } = org);
  });

  const webhookPath = (channel: string, suffix = '') => `/v1/channels/${channel}/webhook${suffix}`;
  const setWebhook = async (channel: string, body: Record<string, unknown>, apiKey = key) => {
    const response = await stack.api.request('PUT', webhookPath(channel), { key: apiKey, body });
    expect(response.status).toBe(200);
    return response.body as { url: string; token: string };
  };
  const requestsTo = (path: string) => stack.requestsTo(path);
  const waitForRequests = (path: string, count: number) =>
    waitFor(() => (requestsTo(path).length >= count ? requestsTo(path) : undefined), { what: `${count} request(s) to ${path}` });
  /** The event's deliveries once the fan-out has run and none of them is pending any more. */
  const settledDeliveries = (eventId: string) =>
    waitFor(
      async () => {
        const event = await stack.prisma.event.findUniqueOrThrow({ where: { id: eventId }, include: { deliveries: true } });
        const open = event.deliveries.some((delivery) => delivery.status === 'pending' || delivery.status === 'retrying');
        return event.fannedOutAt !== null && !open ? event.deliveries : undefined;
      },
      { what: `the settled deliveries of ${eventId}` },
    );
  const channelWebhookId = async (organizationId: string, channel: string) =>
    (await stack.prisma.subscription.findFirstOrThrow({ where: { organizationId, kind: 'channel', channelKey: channel } })).id;

  it('delivers every event of its channel with the token header and a signature made with the token', async () => {
    const channel = 'worker:w_123';
    const { token } = await setWebhook(channel, { url: `${stack.receiver.url}/worker-123` });
    const eventId = await org.publish({ event_type: 'task.completed', data: { task: 't_1', title: 'Résumé ✓' }, channel });

    const [request] = await waitForRequests('/worker-123', 1);
    const envelope = JSON.parse(request.body);
    expect(envelope).toEqual({
      event_id: eventId,
      event_type: 'task.completed',
      organization_id: orgId,
      timestamp: expect.any(String),
      channel,
      data: { task: 't_1', title: 'Résumé ✓' },
    });
    expect(request.headers['x-webhook-token']).toBe(token);
    expect(verifyWithToken(token, request)).toEqual(envelope);
    expect(request.headers['x-webhook-signature']).toBe(bodySignature(token, request.body));
    expect(() => verifyWithToken(`${token}x`, request)).toThrow();

    const [delivery] = await settledDeliveries(eventId);
    expect(delivery).toMatchObject({ subscriptionId: await channelWebhookId(orgId, channel), status: 'delivered' });
  });

  it('receives only the events of its own channel', async () => {
    const webhook = await setWebhook('queue:165', { url: `${stack.receiver.url}/queue-165` });
    const otherChannel = await org.publish({ event_type: 'task.completed', data: { n: 1 }, channel: 'queue:166' });
    const noChannel = await org.publish({ event_type: 'task.completed', data: { n: 2 } });
    const ownChannel = await org.publish({ event_type: 'task.completed', data: { n: 3 }, channel: 'queue:165' });

    expect(await settledDeliveries(otherChannel)).toEqual([]);
    expect(await settledDeliveries(noChannel)).toEqual([]);
    expect(await settledDeliveries(ownChannel)).toHaveLength(1);
    expect(requestsTo('/queue-165').map((request) => JSON.parse(request.body).data)).toEqual([{ n: 3 }]);
    expect(requestsTo('/queue-165')[0].headers['x-webhook-token']).toBe(webhook.token);
  });

  it('sends the bare data object with payload_format "data", still signed with the token', async () => {
    const channel = 'queue:data';
    const { token } = await setWebhook(channel, { target: `${stack.receiver.url}/data-only`, payload_format: 'data' });
    const data = { id: 169578, status: 'completed', data: { text_test: 'Some text' }, source: 'manual' };
    await org.publish({ event_type: 'task.completed', data, channel, call_id: 'call_42' });

    const [request] = await waitForRequests('/data-only', 1);
    expect(JSON.parse(request.body)).toEqual(data);
    expect(request.headers['x-webhook-token']).toBe(token);
    expect(request.headers['x-webhook-call-id']).toBe('call_42');
    expect(verifyWithToken(token, request)).toEqual(data);
    expect(request.headers['x-webhook-signature']).toBe(bodySignature(token, request.body));
  });

  it('sends the new token, never the old one, once it is regenerated, even on a retry already scheduled', async () => {
    const channel = 'worker:rotating';
    const { token: oldToken } = await setWebhook(channel, { url: `${stack.receiver.url}/rotating` });
    let newToken: string | undefined;
    stack.receiver.respondWith(async (request, response) => {
      if (request.path !== '/rotating' || newToken) return void response.writeHead(200).end('ok');
      // Regenerate while the first attempt is in flight, then fail it so that it is retried.
      newToken = (await stack.api.request('POST', webhookPath(channel, '/regenerate-token'), { key })).body.token;
      response.writeHead(503).end('busy');
    });
    try {
      const eventId = await org.publish({ event_type: 'task.completed', data: {}, channel });
      const [first, retry] = await waitForRequests('/rotating', 2);
      expect(first.headers['x-webhook-token']).toBe(oldToken);
      expect(newToken).toMatch(/^whk_/);
      expect(newToken).not.toBe(oldToken);
      expect(retry.headers['x-webhook-attempt']).toBe('2');
      expect(retry.headers['x-webhook-token']).toBe(newToken);
      expect(verifyWithToken(newToken!, retry)).toEqual(JSON.parse(retry.body));
      expect(() => verifyWithToken(oldToken, retry)).toThrow();

      const next = await org.publish({ event_type: 'task.completed', data: { after: true }, channel });
      await settledDeliveries(next);
      const sent = requestsTo('/rotating')
        .slice(1)
        .map((request) => request.headers['x-webhook-token']);
      expect(sent).toEqual([newToken, newToken]);
      expect((await settledDeliveries(eventId))[0]).toMatchObject({ status: 'delivered', attempts: 2 });
    } finally {
      stack.receiver.respondWith((_, response) => void response.writeHead(200).end('ok'));
    }
  });

  it('stops delivering once deleted, also the retry of an attempt in flight', async () => {
    const channel = 'worker:deleted';
    await setWebhook(channel, { url: `${stack.receiver.url}/deleted` });
    stack.receiver.respondWith(async (request, response) => {
      if (request.path !== '/deleted') return void response.writeHead(200).end('ok');
      // Delete while the first attempt is in flight, then fail it: it must not be retried.
      const deleted = await stack.api.request('DELETE', webhookPath(channel), { key });
      response.writeHead(deleted.status === 200 ? 503 : 500).end('down');
    });
    try {
      const failing = await org.publish({ event_type: 'task.completed', data: {}, channel });
      const [delivery] = await settledDeliveries(failing);
      expect(delivery.status).toBe('cancelled');
      await waitFor(async () => (await stack.prisma.deliveryAttempt.count({ where: { deliveryId: delivery.id } })) === 1, { what: 'the recorded attempt' });
      expect((await stack.api.request('GET', webhookPath(channel), { key })).body).toEqual({ url: null, token: null });

      const afterDelete = await org.publish({ event_type: 'task.completed', data: {}, channel });
      expect(await settledDeliveries(afterDelete)).toEqual([]);
      expect(requestsTo('/deleted')).toHaveLength(1);
      expect((await stack.prisma.delivery.findUniqueOrThrow({ where: { id: delivery.id } })).status).toBe('cancelled');
    } finally {
      stack.receiver.respondWith((_, response) => void response.writeHead(200).end('ok'));
    }
  });

  it('lists real attempts in executions and in logs/all with webhook_type "channel"', async () => {
    const channel = 'worker:history';
    await setWebhook(channel, { url: `${stack.receiver.url}/history` });
    stack.receiver.respondWith((request, response) => {
      // The first attempt fails, so the history holds an error and a success.
      if (request.path === '/history' && requestsTo('/history').length === 1) return void response.writeHead(500).end('oops');
      response.writeHead(200).end('ok');
    });
    try {
      const eventId = await org.publish({ event_type: 'task.completed', data: {}, channel });
      const [delivery] = await settledDeliveries(eventId);
      expect(delivery).toMatchObject({ status: 'delivered', attempts: 2 });

      const executions = await stack.api.request('GET', webhookPath(channel, '/executions'), { key });
      expect(executions.status).toBe(200);
      expect(executions.body).toMatchObject({ page: 1, page_count: 1, total_count: 2 });
      const common = { event_id: eventId, event_type: 'task.completed', url: `${stack.receiver.url}/history`, channel };
      expect(executions.body.logs).toEqual([
        {
          ...common,
          id: expect.stringMatching(/^att_/),
          created_at: expect.any(String),
          duration_ms: expect.any(Number),
          request_status: 'success',
          response_status: 200,
          error_message: null,
        },
        {
          ...common,
          id: expect.stringMatching(/^att_/),
          created_at: expect.any(String),
          duration_ms: expect.any(Number),
          request_status: 'error',
          response_status: 500,
          error_message: expect.any(String),
        },
      ]);
      const [newest, oldest] = executions.body.logs;
      expect(Date.parse(newest.created_at)).toBeGreaterThanOrEqual(Date.parse(oldest.created_at));

      const logs = await stack.api.request('GET', '/v1/webhooks/logs/all', { key });
      expect(logs.status).toBe(200);
      expect(logs.body.logs).toEqual([
        expect.objectContaining({
          id: delivery.id,
          webhook_type: 'channel',
          webhook_id: delivery.subscriptionId,
          event_id: eventId,
          status: 'delivered',
          attempts: 2,
        }),
      ]);
      const list = await stack.api.request('GET', '/v1/webhooks', { key });
      expect(list.body.subscriptions).toEqual([]);
    } finally {
      stack.receiver.respondWith((_, response) => void response.writeHead(200).end('ok'));
    }
  });

  it("never delivers one organization's events to another's webhook on the same channel", async () => {
    const channel = 'worker:shared';
    const other = await stack.addOrg('channel deliveries, other org');
    const mine = await setWebhook(channel, { url: `${stack.receiver.url}/shared-a` });
    const theirs = await setWebhook(channel, { url: `${stack.receiver.url}/shared-b` }, other.key);

    const myEvent = await org.publish({ event_type: 'task.completed', data: { org: 'a' }, channel });
    const theirEvent = await other.publish({ event_type: 'task.completed', data: { org: 'b' }, channel });
    await settledDeliveries(myEvent);
    await settledDeliveries(theirEvent);

    expect(requestsTo('/shared-a').map((request) => [JSON.parse(request.body).data, request.headers['x-webhook-token']])).toEqual([[{ org: 'a' }, mine.token]]);
    expect(requestsTo('/shared-b').map((request) => [JSON.parse(request.body).data, request.headers['x-webhook-token']])).toEqual([
      [{ org: 'b' }, theirs.token],
    ]);

    const myExecutions = (await stack.api.request('GET', webhookPath(channel, '/executions'), { key })).body;
    const theirExecutions = (await stack.api.request('GET', webhookPath(channel, '/executions'), { key: other.key })).body;
    expect(myExecutions.logs.map((log: { event_id: string }) => log.event_id)).toEqual([myEvent]);
    expect(theirExecutions.logs.map((log: { event_id: string }) => log.event_id)).toEqual([theirEvent]);
  });
});

describe('channel webhooks: WEBHOOK_TOKEN_HEADER and ENCRYPTION_KEY', () => {
  const stack = useStack({ config: { webhookTokenHeader: 'X-Handinger-Token', encryptionKey: randomBytes(32) } });

  it('sends the token in the configured header instead of X-Webhook-Token', async () => {
    const { api_key: key } = await stack.api.createOrg('token header');
    const put = await stack.api.request('PUT', '/v1/channels/worker:custom/webhook', { key, body: { url: `${stack.receiver.url}/custom` } });
    await stack.api.request('POST', '/v1/events', { key, body: { event_type: 'task.completed', data: {}, channel: 'worker:custom' } });
    const [request] = await waitFor(
      () => {
        const custom = stack.receiver.requests.filter((received) => received.path === '/custom');
        return custom.length === 1 ? custom : undefined;
      },
      { what: 'the delivery' },
    );
    expect(request.headers['x-handinger-token']).toBe(put.body.token);
    expect(request.headers).not.toHaveProperty('x-webhook-token');
  });

  it('stores the token encrypted and still answers and sends it in plain text', async () => {
    const { id: organizationId, api_key: key } = await stack.api.createOrg('encrypted tokens');
    const put = await stack.api.request('PUT', '/v1/channels/worker:sealed/webhook', { key, body: { url: `${stack.receiver.url}/sealed` } });
    const regenerated = await stack.api.request('POST', '/v1/channels/worker:sealed/webhook/regenerate-token', { key });
    const row = await stack.api.app.get(PrismaService).subscription.findFirstOrThrow({ where: { organizationId, channelKey: 'worker:sealed' } });
    expect(row.secret).toMatch(/^enc:v1:/);
    expect(row.secret).not.toContain(regenerated.body.token.slice(4));
    expect((await stack.api.request('GET', '/v1/channels/worker:sealed/webhook', { key })).body).toEqual({ url: put.body.url, token: regenerated.body.token });

    await stack.api.request('POST', '/v1/events', { key, body: { event_type: 'task.completed', data: {}, channel: 'worker:sealed' } });
    const [request] = await waitFor(
      () => {
        const sealed = stack.receiver.requests.filter((received) => received.path === '/sealed');
        return sealed.length === 1 ? sealed : undefined;
      },
      { what: 'the delivery' },
    );
    expect(request.headers['x-handinger-token']).toBe(regenerated.body.token);
    expect(verifyWithToken(regenerated.body.token, request)).toEqual(JSON.parse(request.body));
  });
});
