import { PrismaService } from '@app/database';
import { newId } from '@app/domain/ids';
import { ChannelWebhookService } from '../apps/api/src/channels/channel-webhook.service';
import { startApi, type TestApi } from './support/api';
import { startStack, type Stack } from './support/stack';
import { testConfig } from './support/config';

const TOKEN_PATTERN = /^whk_[A-Za-z0-9_-]{32}$/;
const NO_WEBHOOK = { url: null, token: null };

/** The channel webhook endpoints without a worker: lifecycle, validation, isolation and executions paging. */
describe('channel webhooks API', () => {
  let stack: Stack;
  let api: TestApi;
  let prisma: PrismaService;
  let keyA: string;
  let orgA: string;
  let keyB: string;
  let orgB: string;

  beforeAll(async () => {
    stack = await startStack({ workers: 0, orgName: 'Channels org A' });
    ({ api, key: keyA, id: orgA } = stack);
    prisma = api.app.get(PrismaService);
    ({ api_key: keyB, id: orgB } = await api.createOrg('Channels org B'));
  });

  afterAll(() => stack?.stop());

  const webhookPath = (channel: string, suffix = '') => `/v1/channels/${channel}/webhook${suffix}`;

  describe('lifecycle', () => {
    const channel = 'worker:w_lifecycle';

    it('answers nulls before a URL is set', async () => {
      const response = await api.request('GET', webhookPath(channel), { key: keyA });
      expect(response.status).toBe(200);
      expect(response.body).toEqual(NO_WEBHOOK);
    });

    it('generates a token on the first PUT, keeps it on later updates and accepts Human Lambdas target', async () => {
      const first = await api.request('PUT', webhookPath(channel), { key: keyA, body: { url: 'https://example.com/hook-1' } });
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ url: 'https://example.com/hook-1', token: expect.stringMatching(TOKEN_PATTERN) });
      const { token } = first.body;

      const read = await api.request('GET', webhookPath(channel), { key: keyA });
      expect(read.body).toEqual({ url: 'https://example.com/hook-1', token });

      const second = await api.request('PUT', webhookPath(channel), { key: keyA, body: { url: 'https://example.com/hook-2', payload_format: 'data' } });
      expect(second.status).toBe(200);
      expect(second.body).toEqual({ url: 'https://example.com/hook-2', token });

      const target = await api.request('PUT', webhookPath(channel), { key: keyA, body: { target: 'https://example.com/queue-hook' } });
      expect(target.status).toBe(200);
      expect(target.body).toEqual({ url: 'https://example.com/queue-hook', token });
    });

    it('regenerates the token and keeps the URL', async () => {
      const before = await api.request('GET', webhookPath(channel), { key: keyA });
      const regenerated = await api.request('POST', webhookPath(channel, '/regenerate-token'), { key: keyA });
      expect(regenerated.status).toBe(200);
      expect(regenerated.body.url).toBe(before.body.url);
      expect(regenerated.body.token).toMatch(TOKEN_PATTERN);
      expect(regenerated.body.token).not.toBe(before.body.token);
      expect((await api.request('GET', webhookPath(channel), { key: keyA })).body).toEqual(regenerated.body);
    });

    it('deletes the webhook, and answers nulls again when there is none', async () => {
      const deleted = await api.request('DELETE', webhookPath(channel), { key: keyA });
      expect(deleted.status).toBe(200);
      expect(deleted.body).toEqual(NO_WEBHOOK);
      expect((await api.request('GET', webhookPath(channel), { key: keyA })).body).toEqual(NO_WEBHOOK);

      const again = await api.request('DELETE', webhookPath(channel), { key: keyA });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(NO_WEBHOOK);
    });

    it('answers 404 to regenerate-token when no webhook is set', async () => {
      const response = await api.request('POST', webhookPath(channel, '/regenerate-token'), { key: keyA });
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: 'not_found', message: expect.any(String) });
    });

    it('gives a new token when a URL is set again after a delete', async () => {
      const before = await prisma.subscription.findMany({ where: { organizationId: orgA, channel }, select: { secret: true } });
      const created = await api.request('PUT', webhookPath(channel), { key: keyA, body: { url: 'https://example.com/hook-3' } });
      expect(created.status).toBe(200);
      expect(created.body.token).toMatch(TOKEN_PATTERN);
      expect(before.map(({ secret }) => secret)).not.toContain(created.body.token);
    });

    it('clears URL and token on PUT {url: null}, like DELETE', async () => {
      const cleared = await api.request('PUT', webhookPath(channel), { key: keyA, body: { url: null } });
      expect(cleared.status).toBe(200);
      expect(cleared.body).toEqual(NO_WEBHOOK);
      expect((await api.request('GET', webhookPath(channel), { key: keyA })).body).toEqual(NO_WEBHOOK);
      const clearedAgain = await api.request('PUT', webhookPath(channel), { key: keyA, body: { target: null } });
      expect(clearedAgain.status).toBe(200);
      expect(clearedAgain.body).toEqual(NO_WEBHOOK);
    });

    it('stores the webhook as a kind "channel" subscription that keeps its channel after deletion', async () => {
      const rows = await prisma.subscription.findMany({ where: { organizationId: orgA, channel }, orderBy: { createdAt: 'asc' } });
      expect(rows).toHaveLength(2);
      for (const row of rows) {
        expect(row).toMatchObject({ kind: 'channel', name: `channel:${channel}`, events: ['*'], channelKey: null, isActive: false });
        expect(row.deletedAt).toBeInstanceOf(Date);
      }
      expect(rows[0].payloadFormat).toBe('data');
    });
  });

  it('accepts channels with the whole character set, also percent-encoded', async () => {
    const put = await api.request('PUT', webhookPath('queue%3A165'), { key: keyA, body: { url: 'https://example.com/q' } });
    expect(put.status).toBe(200);
    const read = await api.request('GET', webhookPath('queue:165'), { key: keyA });
    expect(read.body).toEqual(put.body);
    const odd = 'A-z_0.9:x';
    expect((await api.request('PUT', webhookPath(odd), { key: keyA, body: { url: 'https://example.com/odd' } })).status).toBe(200);
    expect((await api.request('GET', webhookPath(odd), { key: keyA })).body.url).toBe('https://example.com/odd');
    for (const longest of ['c'.repeat(128), '%3A'.repeat(128)]) {
      expect((await api.request('PUT', webhookPath(longest), { key: keyA, body: { url: 'https://example.com/long' } })).status).toBe(200);
      expect((await api.request('GET', webhookPath(longest), { key: keyA })).body.url).toBe('https://example.com/long');
    }
  });

  describe('racing PUTs for a new channel', () => {
    it('create one webhook over HTTP', async () => {
      const channel = 'race:http';
      // Open the client's connections first, so the PUTs reach the server together.
      await Promise.all(Array.from({ length: 8 }, () => api.request('GET', webhookPath(channel), { key: keyA })));
      const responses = await Promise.all(
        Array.from({ length: 8 }, (_, i) => api.request('PUT', webhookPath(channel), { key: keyA, body: { url: `https://example.com/race-${i}` } })),
      );
      expect(responses.map((response) => response.status)).toEqual(Array(8).fill(200));
      expect(new Set(responses.map((response) => response.body.token)).size).toBe(1);
      expect(await prisma.subscription.count({ where: { organizationId: orgA, channel } })).toBe(1);
    });

    it('create one webhook when they all find the channel free (the losers retry as updates)', async () => {
      const channel = 'race:service';
      const service = api.app.get(ChannelWebhookService);
      // Started in the same tick, every call looks the channel up before any of them inserts.
      const results = await Promise.all(Array.from({ length: 3 }, (_, i) => service.set(orgA, channel, { url: `https://example.com/race-${i}` })));
      expect(new Set(results.map((result) => result.token)).size).toBe(1);
      expect(await prisma.subscription.count({ where: { organizationId: orgA, channel } })).toBe(1);
    });
  });

  describe('validation', () => {
    const channel = 'validation';

    it.each([
      ['both url and target', { url: 'https://example.com/a', target: 'https://example.com/b' }, 'url'],
      ['neither url nor target', {}, 'url'],
      ['a url that is not a string', { url: 42 }, 'url'],
      ['an empty url', { url: '' }, 'url'],
      ['a relative url', { url: '/hook' }, 'url'],
      ['an ftp url', { url: 'ftp://example.com/hook' }, 'url'],
      ['a target with credentials', { target: 'https://user:pw@example.com/hook' }, 'target'],
      ['a url over 2048 characters', { url: `https://example.com/${'a'.repeat(2048)}` }, 'url'],
      ['an unknown payload_format', { url: 'https://example.com/a', payload_format: 'xml' }, 'payload_format'],
      ['a null payload_format', { url: 'https://example.com/a', payload_format: null }, 'payload_format'],
      ['an unknown field', { url: 'https://example.com/a', token: 'whk_mine' }, 'token'],
    ])('refuses a PUT with %s', async (_, body, field) => {
      const response = await api.request('PUT', webhookPath(channel), { key: keyA, body });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: 'validation_failed', details: [expect.objectContaining({ field })] });
    });

    it.each([
      ['a url with a NUL character', { url: 'https://example.com/a\u0000b' }],
      ['a target with an unpaired surrogate', { target: 'https://example.com/\ud800' }],
    ])('refuses a PUT with %s, which PostgreSQL could not store', async (_, body) => {
      const response = await api.request('PUT', webhookPath(channel), { key: keyA, body });
      expect(response.status).toBe(400);
      expect(response.body.error).toBe('validation_failed');
    });

    it('refuses a PUT whose body is not a JSON object', async () => {
      const response = await api.request('PUT', webhookPath(channel), { key: keyA, rawBody: '["https://example.com"]' });
      expect(response.status).toBe(400);
      expect(response.body.error).toBe('validation_failed');
    });

    it('created nothing on refused PUTs', async () => {
      expect((await api.request('GET', webhookPath(channel), { key: keyA })).body).toEqual(NO_WEBHOOK);
    });

    it.each([['has%20space'], ['semi;colon'], ['a'.repeat(129)], ['%C3%A9t%C3%A9']])('answers 400 for the channel %s on every route', async (channel) => {
      const routes: [string, string, unknown?][] = [
        ['GET', webhookPath(channel)],
        ['PUT', webhookPath(channel), { url: 'https://example.com/a' }],
        ['DELETE', webhookPath(channel)],
        ['POST', webhookPath(channel, '/regenerate-token')],
        ['GET', webhookPath(channel, '/executions')],
      ];
      for (const [method, path, body] of routes) {
        const response = await api.request(method, path, { key: keyA, body });
        expect({ method, status: response.status, error: response.body.error }).toEqual({ method, status: 400, error: 'validation_failed' });
      }
    });

    it.each([['0'], ['-1'], ['abc'], ['1.5'], ['1000000000']])('answers 400 for executions?page=%s', async (page) => {
      const response = await api.request('GET', webhookPath(channel, `/executions?page=${page}`), { key: keyA });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: 'validation_failed', details: [expect.objectContaining({ field: 'page' })] });
    });

    it('answers 401 without an API key', async () => {
      for (const [method, path] of [
        ['GET', webhookPath(channel)],
        ['PUT', webhookPath(channel)],
        ['DELETE', webhookPath(channel)],
        ['POST', webhookPath(channel, '/regenerate-token')],
        ['GET', webhookPath(channel, '/executions')],
      ]) {
        expect((await api.request(method, path, { body: method === 'PUT' ? { url: 'https://example.com/a' } : undefined })).status).toBe(401);
      }
    });
  });

  describe('refuses private targets under the default URL policy', () => {
    let strictApi: TestApi;
    let key: string;

    beforeAll(async () => {
      strictApi = await startApi(testConfig({ allowHttpUrls: false, allowPrivateUrls: false }));
      key = (await strictApi.createOrg('Channels strict org')).api_key;
    });

    afterAll(async () => {
      await strictApi?.close();
    });

    it.each([['http://example.com/hook'], ['https://127.0.0.1/hook'], ['https://localhost/hook'], ['https://[::1]/hook'], ['https://10.0.0.8/hook']])(
      'refuses %s',
      async (url) => {
        const response = await strictApi.request('PUT', webhookPath('strict'), { key, body: { url } });
        expect(response.status).toBe(400);
        expect(response.body).toMatchObject({ error: 'validation_failed', details: [expect.objectContaining({ field: 'url' })] });
      },
    );
  });

  describe('cross-organization isolation', () => {
    const channel = 'worker:shared';
    let tokenA: string;

    beforeAll(async () => {
      tokenA = (await api.request('PUT', webhookPath(channel), { key: keyA, body: { url: 'https://a.example.com/hook' } })).body.token;
    });

    it("shows another organization's channel webhook as unset", async () => {
      expect((await api.request('GET', webhookPath(channel), { key: keyB })).body).toEqual(NO_WEBHOOK);
      expect((await api.request('POST', webhookPath(channel, '/regenerate-token'), { key: keyB })).status).toBe(404);
    });

    it("leaves the other organization's webhook alone on DELETE", async () => {
      const deleted = await api.request('DELETE', webhookPath(channel), { key: keyB });
      expect(deleted.status).toBe(200);
      expect(deleted.body).toEqual(NO_WEBHOOK);
      expect((await api.request('GET', webhookPath(channel), { key: keyA })).body).toEqual({ url: 'https://a.example.com/hook', token: tokenA });
    });

    it('gives each organization its own webhook for the same channel', async () => {
      const b = await api.request('PUT', webhookPath(channel), { key: keyB, body: { url: 'https://b.example.com/hook' } });
      expect(b.status).toBe(200);
      expect(b.body.token).toMatch(TOKEN_PATTERN);
      expect(b.body.token).not.toBe(tokenA);
      expect((await api.request('GET', webhookPath(channel), { key: keyA })).body).toEqual({ url: 'https://a.example.com/hook', token: tokenA });
      expect((await api.request('GET', webhookPath(channel), { key: keyB })).body).toEqual(b.body);
    });
  });

  describe('next to org-wide webhooks', () => {
    const channel = 'hidden';
    let id: string;

    beforeAll(async () => {
      await api.request('PUT', webhookPath(channel), { key: keyA, body: { url: 'https://example.com/hidden' } });
      id = (await prisma.subscription.findFirstOrThrow({ where: { organizationId: orgA, channelKey: channel } })).id;
    });

    it('is not listed by GET /v1/webhooks', async () => {
      const list = await api.request('GET', '/v1/webhooks', { key: keyA });
      expect(list.status).toBe(200);
      expect(list.body.subscriptions.map((subscription: { id: string }) => subscription.id)).not.toContain(id);
    });

    it('answers 404 on the /v1/webhooks/:id routes', async () => {
      expect((await api.request('GET', `/v1/webhooks/${id}`, { key: keyA })).status).toBe(404);
      expect((await api.request('PATCH', `/v1/webhooks/${id}`, { key: keyA, body: { name: 'renamed' } })).status).toBe(404);
      expect((await api.request('DELETE', `/v1/webhooks/${id}`, { key: keyA })).status).toBe(404);
      expect((await api.request('GET', `/v1/webhooks/${id}/secret`, { key: keyA })).status).toBe(404);
      expect((await api.request('GET', `/v1/webhooks/${id}/logs`, { key: keyA })).status).toBe(404);
      expect((await api.request('POST', `/v1/webhooks/${id}/test`, { key: keyA })).status).toBe(404);
      expect((await api.request('GET', webhookPath(channel), { key: keyA })).body.url).toBe('https://example.com/hidden');
    });
  });

  it('cancels the open deliveries of a deleted webhook and leaves finished ones', async () => {
    const channel = 'cancel';
    await api.request('PUT', webhookPath(channel), { key: keyA, body: { url: 'https://example.com/cancel' } });
    const webhook = await prisma.subscription.findFirstOrThrow({ where: { organizationId: orgA, channelKey: channel } });
    const statuses = ['pending', 'retrying', 'delivered', 'failed'];
    const deliveries = [];
    for (const status of statuses) {
      const event = await prisma.event.create({ data: { id: newId('evt'), organizationId: orgA, eventType: 'task.done', data: {}, channel } });
      deliveries.push(
        await prisma.delivery.create({
          data: { id: newId('dlv'), organizationId: orgA, eventId: event.id, subscriptionId: webhook.id, eventType: 'task.done', status },
        }),
      );
    }
    expect((await api.request('DELETE', webhookPath(channel), { key: keyA })).status).toBe(200);
    const after = await prisma.delivery.findMany({ where: { id: { in: deliveries.map(({ id }) => id) } } });
    const statusById = Object.fromEntries(after.map(({ id, status }) => [id, status]));
    expect(deliveries.map(({ id }) => statusById[id])).toEqual(['cancelled', 'cancelled', 'delivered', 'failed']);
  });

  describe('executions', () => {
    const channel = 'worker:w_paged';
    const ATTEMPTS_BEFORE_DELETE = 20;
    const ATTEMPTS_AFTER = 100;
    const start = Date.parse('2030-01-01T00:00:00Z');

    /** Records `count` HTTP attempts (one delivery each) for the channel's current webhook, one second apart. */
    async function recordAttempts(organizationId: string, count: number, firstSecond: number): Promise<void> {
      const webhook = await prisma.subscription.findFirstOrThrow({ where: { organizationId, channelKey: channel } });
      for (let i = 0; i < count; i++) {
        const event = await prisma.event.create({
          data: { id: newId('evt'), organizationId, eventType: `task.n${firstSecond + i}`, data: { i }, channel },
        });
        const success = (firstSecond + i) % 3 !== 0;
        await prisma.delivery.create({
          data: {
            id: newId('dlv'),
            organizationId,
            eventId: event.id,
            subscriptionId: webhook.id,
            eventType: event.eventType,
            status: success ? 'delivered' : 'failed',
            attempts: 1,
            attemptsLog: {
              create: {
                id: newId('att'),
                subscriptionId: webhook.id,
                attempt: 1,
                url: webhook.url,
                startedAt: new Date(start + (firstSecond + i) * 1000),
                durationMs: 10 + i,
                responseStatus: success ? 200 : 503,
                errorMessage: success ? null : 'HTTP 503',
                success,
              },
            },
          },
        });
      }
    }

    it('answers an empty page for a channel without a webhook', async () => {
      const response = await api.request('GET', webhookPath('never-set', '/executions'), { key: keyA });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ logs: [], page: 1, page_count: 0, total_count: 0 });
    });

    it('pages more than 50 attempts newest first, across a delete and re-create of the webhook', async () => {
      await api.request('PUT', webhookPath(channel), { key: keyA, body: { url: 'https://example.com/old' } });
      await recordAttempts(orgA, ATTEMPTS_BEFORE_DELETE, 0);
      await api.request('DELETE', webhookPath(channel), { key: keyA });
      await api.request('PUT', webhookPath(channel), { key: keyA, body: { url: 'https://example.com/new' } });
      await recordAttempts(orgA, ATTEMPTS_AFTER, ATTEMPTS_BEFORE_DELETE);
      const total = ATTEMPTS_BEFORE_DELETE + ATTEMPTS_AFTER;

      const pages = [];
      for (const page of [1, 2, 3]) {
        const response = await api.request('GET', webhookPath(channel, `/executions?page=${page}`), { key: keyA });
        expect(response.status).toBe(200);
        expect(response.body).toMatchObject({ page, page_count: 3, total_count: total });
        pages.push(response.body.logs);
      }
      expect(pages.map((logs) => logs.length)).toEqual([50, 50, 20]);

      const all = pages.flat();
      const seconds = all.map((log: { created_at: string }) => (Date.parse(log.created_at) - start) / 1000);
      expect(seconds).toEqual(Array.from({ length: total }, (_, i) => total - 1 - i));
      expect(new Set(all.map((log: { id: string }) => log.id)).size).toBe(total);

      const newest = all[0];
      expect(newest).toEqual({
        id: expect.stringMatching(/^att_/),
        created_at: new Date(start + (total - 1) * 1000).toISOString(),
        duration_ms: 10 + ATTEMPTS_AFTER - 1,
        error_message: null,
        request_status: 'success',
        response_status: 200,
        event_id: expect.stringMatching(/^evt_/),
        event_type: `task.n${total - 1}`,
        url: 'https://example.com/new',
        channel,
      });
      const failed = all.find((log: { event_type: string }) => log.event_type === `task.n${ATTEMPTS_BEFORE_DELETE + 1}`);
      expect(failed).toMatchObject({ request_status: 'error', response_status: 503, error_message: 'HTTP 503', url: 'https://example.com/new' });
      expect(all[total - 1]).toMatchObject({ event_type: 'task.n0', url: 'https://example.com/old', request_status: 'error' });
    });

    it('defaults to page 1 and answers an empty page past the last one', async () => {
      const first = await api.request('GET', webhookPath(channel, '/executions'), { key: keyA });
      expect(first.body).toMatchObject({ page: 1, page_count: 3, total_count: 120 });
      expect(first.body.logs).toHaveLength(50);
      const past = await api.request('GET', webhookPath(channel, '/executions?page=4'), { key: keyA });
      expect(past.status).toBe(200);
      expect(past.body).toEqual({ logs: [], page: 4, page_count: 3, total_count: 120 });
    });

    it("keeps each organization's executions apart", async () => {
      const empty = await api.request('GET', webhookPath(channel, '/executions'), { key: keyB });
      expect(empty.body).toEqual({ logs: [], page: 1, page_count: 0, total_count: 0 });

      await api.request('PUT', webhookPath(channel), { key: keyB, body: { url: 'https://b.example.com/paged' } });
      await recordAttempts(orgB, 2, 500);
      const own = await api.request('GET', webhookPath(channel, '/executions'), { key: keyB });
      expect(own.body).toMatchObject({ page: 1, page_count: 1, total_count: 2 });
      expect(own.body.logs.map((log: { url: string }) => log.url)).toEqual(['https://b.example.com/paged', 'https://b.example.com/paged']);
      expect((await api.request('GET', webhookPath(channel, '/executions'), { key: keyA })).body.total_count).toBe(120);
    });
  });
});
