import type { INestApplicationContext } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { generateOpenApiDocument } from '../apps/api/src/docs/openapi-file';
import { startApi, type TestApi } from './support/api';
import { ADMIN_TOKEN, testConfig } from './support/config';
import { OpenApiSchemaValidator } from './support/openapi-schema-validator';
import { waitFor } from './support/poll';
import { startReceiver, type Receiver } from './support/receiver';
import { startWorker } from './support/worker';

interface CallOptions {
  params?: Record<string, string>;
  query?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  /** API key (Bearer); `admin` sends the admin token instead. */
  key?: string;
  admin?: boolean;
}

/**
 * Drives every documented operation against the real api + worker + receiver and checks each answer
 * against the document: its status must be documented for the operation, and its body must fit the
 * documented schema exactly (objects closed: no undocumented field).
 */
describe('OpenAPI document against live answers', () => {
  const config = testConfig();
  let document: OpenAPIObject;
  let validator: OpenApiSchemaValidator;
  const exercised = new Set<string>();
  let api: TestApi;
  let worker: INestApplicationContext;
  let receiver: Receiver;
  let apiKey: string;

  /** Calls `method path` (an OpenAPI path template) and holds the answer to the document. */
  async function call(method: string, path: string, options: CallOptions = {}) {
    const url = path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(options.params?.[name] ?? `missing-${name}`)) + (options.query ?? '');
    const headers = { ...options.headers };
    if (options.admin) headers.authorization = `Bearer ${ADMIN_TOKEN}`;
    const response = await api.request(method, url, { key: options.key, body: options.body, rawBody: options.rawBody, headers });
    const where = `${method} ${path} → ${response.status}`;
    const documented = validator.response(method, path, response.status);
    expect({ where, documented: documented !== undefined, body: documented ? undefined : response.body }).toEqual({ where, documented: true, body: undefined });
    const mediaType = Object.keys(documented!.content ?? {})[0];
    if (mediaType) {
      expect({ where, contentType: response.headers['content-type']?.split(';')[0] }).toEqual({ where, contentType: mediaType });
      const schema = documented!.content![mediaType].schema;
      expect({ where, problems: validator.problems(schema, response.body) }).toEqual({ where, problems: [] });
    } else {
      expect({ where, body: response.body }).toEqual({ where, body: undefined });
    }
    exercised.add(`${method} ${path}`);
    return response;
  }

  beforeAll(async () => {
    document = await generateOpenApiDocument();
    validator = new OpenApiSchemaValidator(document);
    receiver = await startReceiver();
    api = await startApi(config);
    worker = await startWorker(config);
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await receiver?.close();
  });

  it('organizations and API keys (admin)', async () => {
    await call('POST', '/v1/orgs', { body: { name: 'docs live' } });
    await call('POST', '/v1/orgs', { body: { name: '' }, admin: true });
    const org = await call('POST', '/v1/orgs', { body: { name: 'docs live' }, admin: true });
    apiKey = org.body.api_key;
    const extra = await call('POST', '/v1/orgs/{id}/api-keys', { params: { id: org.body.id }, admin: true });
    await call('POST', '/v1/orgs/{id}/api-keys', { params: { id: 'org_unknown' }, admin: true });
    await call('DELETE', '/v1/orgs/{id}/api-keys/{keyId}', { params: { id: org.body.id, keyId: extra.body.id }, admin: true });
    await call('DELETE', '/v1/orgs/{id}/api-keys/{keyId}', { params: { id: org.body.id, keyId: extra.body.id }, admin: true });
  });

  it('event types', async () => {
    const schema = { type: 'object', required: ['order_id'], properties: { order_id: { type: 'string' } } };
    await call('POST', '/v1/event-types', { key: apiKey, body: { name: 'order.paid', description: 'Paid.', schema } });
    await call('POST', '/v1/event-types', { key: apiKey, body: { name: 'order.paid' } });
    await call('POST', '/v1/event-types', { key: apiKey, body: { name: 'order.*' } });
    await call('POST', '/v1/event-types', { key: apiKey, body: { name: 'task.done' } });
    await call('GET', '/v1/event-types', { key: apiKey });
    await call('GET', '/v1/event-types/{name}', { key: apiKey, params: { name: 'order.paid' } });
    await call('GET', '/v1/event-types/{name}', { key: apiKey, params: { name: 'order.unknown' } });
    await call('PATCH', '/v1/event-types/{name}', { key: apiKey, params: { name: 'task.done' }, body: { description: null } });
    await call('DELETE', '/v1/event-types/{name}', { key: apiKey, params: { name: 'task.done' } });
  });

  it('subscriptions, events and delivery logs', async () => {
    await call('POST', '/v1/webhooks', { key: apiKey, body: { name: 'x', url: 'ftp://example.com', events: ['order.*'] } });
    await call('POST', '/v1/webhooks', { key: 'hk_not_a_key', body: { name: 'x', url: receiver.url, events: ['order.*'] } });
    await call('POST', '/v1/webhooks', { key: apiKey, headers: { 'x-org-id': 'org_other' }, body: { name: 'x', url: receiver.url, events: ['order.*'] } });
    const created = await call('POST', '/v1/webhooks', {
      key: apiKey,
      body: { name: 'orders', url: receiver.url, events: ['order.*'], headers: { 'X-Env': 'test' } },
    });
    const id = created.body.id;
    await call('GET', '/v1/webhooks', { key: apiKey });
    await call('GET', '/v1/webhooks/{id}', { key: apiKey, params: { id } });
    await call('GET', '/v1/webhooks/{id}', { key: apiKey, params: { id: 'sub_unknown' } });
    await call('GET', '/v1/webhooks/{id}/secret', { key: apiKey, params: { id } });
    await call('POST', '/v1/webhooks/{id}/secret/rotate', { key: apiKey, params: { id }, body: { grace_seconds: 60 } });
    await call('POST', '/v1/webhooks/{id}/secret/rotate', { key: apiKey, params: { id }, body: { grace_seconds: -1 } });
    await call('PATCH', '/v1/webhooks/{id}', { key: apiKey, params: { id }, body: { rate_limit_per_second: 50, max_attempts: 3 } });
    await call('POST', '/v1/webhooks/{id}/test', { key: apiKey, params: { id } });
    await call('PATCH', '/v1/webhooks/{id}', { key: apiKey, params: { id }, body: { filter: { 'data.amount': { $gte: 100 } } } });
    await call('PATCH', '/v1/webhooks/{id}', { key: apiKey, params: { id }, body: { filter: { 'data.amount': { $gte: true } } } });
    await call('PATCH', '/v1/webhooks/{id}', { key: apiKey, params: { id }, body: { filter: null } });
    const sample = { event_type: 'order.paid', data: { amount: 120 } };
    await call('POST', '/v1/webhooks/filter-test', { key: apiKey, body: { filter: { 'data.amount': { $gt: 100 } }, event: sample } });
    await call('POST', '/v1/webhooks/filter-test', { key: apiKey, body: { filter: { 'data.amount': { $in: 5 } }, event: sample } });
    // An ed25519 subscription answers its public key where an hmac one answers its secret.
    const signed = await call('POST', '/v1/webhooks', {
      key: apiKey,
      body: { name: 'signed', url: receiver.url, events: ['order.*'], signature_scheme: 'ed25519' },
    });
    await call('GET', '/v1/webhooks', { key: apiKey });
    await call('GET', '/v1/webhooks/{id}/secret', { key: apiKey, params: { id: signed.body.id } });
    await call('POST', '/v1/webhooks/{id}/secret/rotate', { key: apiKey, params: { id: signed.body.id } });
    await call('PATCH', '/v1/webhooks/{id}', { key: apiKey, params: { id: signed.body.id }, body: { signature_scheme: 'hmac' } });
    await call('DELETE', '/v1/webhooks/{id}', { key: apiKey, params: { id: signed.body.id } });

    await call('POST', '/v1/events', { key: apiKey, body: { event_type: 'order.paid', data: { amount: 1 } } });
    await call('POST', '/v1/events', { key: apiKey, rawBody: 'not json', headers: { 'content-type': 'text/plain' } });
    await call('POST', '/v1/events', { key: apiKey, body: { event_type: 'order.big', data: { blob: 'x'.repeat(300 * 1024) } } });
    await call('POST', '/v1/events/batch', {
      key: apiKey,
      body: {
        events: [
          { event_type: 'order.paid', data: { amount: 2 } },
          { event_type: 'order paid', data: {} },
          { event_type: 'order.big', data: { blob: 'x'.repeat(300 * 1024) } },
        ],
      },
    });
    await call('POST', '/v1/events/batch', { key: apiKey, body: { events: [] } });
    const accepted = await call('POST', '/v1/events', {
      key: apiKey,
      body: { event_type: 'order.paid', data: { order_id: 'ord_1' }, workflow_id: 'wf_1', call_id: 'call_docs', idempotency_key: 'docs-1' },
    });
    await waitFor(
      async () => (await api.request('GET', `/v1/events/${accepted.body.event_id}`, { key: apiKey })).body.deliveries?.[0]?.status === 'delivered',
      {
        what: 'the event delivered',
      },
    );
    await call('GET', '/v1/events/{id}', { key: apiKey, params: { id: accepted.body.event_id } });
    await call('GET', '/v1/events/{id}', { key: apiKey, params: { id: 'evt_unknown' } });
    await call('GET', '/v1/events', { key: apiKey, query: '?call_id=call_docs' });
    await call('GET', '/v1/events', { key: apiKey });

    await call('GET', '/v1/webhooks/logs/all', { key: apiKey, query: '?status=delivered&limit=10' });
    await call('GET', '/v1/webhooks/logs/all', { key: apiKey, query: '?limit=-1' });
    const logs = await call('GET', '/v1/webhooks/{id}/logs', { key: apiKey, params: { id }, query: '?event_type=order.paid' });
    const logId = logs.body.logs[0].id;
    await call('GET', '/v1/webhooks/logs/{log_id}', { key: apiKey, params: { log_id: logId } });
    await call('POST', '/v1/webhooks/logs/{log_id}/retry', { key: apiKey, params: { log_id: logId } });
    await call('POST', '/v1/webhooks/logs/{log_id}/retry', { key: apiKey, params: { log_id: 'dlv_unknown' } });
    await waitFor(async () => (await api.request('GET', `/v1/webhooks/logs/${logId}`, { key: apiKey })).body.attempts_detail?.length === 2, {
      what: 'the retried attempt',
    });
    await call('GET', '/v1/webhooks/logs/{log_id}', { key: apiKey, params: { log_id: logId } });

    await call('PATCH', '/v1/webhooks/{id}', { key: apiKey, params: { id }, body: { is_active: false } });
    await call('POST', '/v1/webhooks/logs/{log_id}/retry', { key: apiKey, params: { log_id: logId } });
    await call('DELETE', '/v1/webhooks/{id}', { key: apiKey, params: { id } });
    await call('DELETE', '/v1/webhooks/{id}', { key: apiKey, params: { id } });
  });

  it('recovering failed deliveries', async () => {
    const failing = await startReceiver((_, response) => void response.writeHead(500).end('down'));
    try {
      const since = new Date(Date.now() - 60_000).toISOString();
      const created = await call('POST', '/v1/webhooks', { key: apiKey, body: { name: 'failing', url: failing.url, events: ['order.paid'], max_attempts: 1 } });
      const id = created.body.id;
      await call('POST', '/v1/events', { key: apiKey, body: { event_type: 'order.paid', data: { order_id: 'ord_2' } } });
      await waitFor(async () => (await api.request('GET', `/v1/webhooks/${id}/logs?status=failed`, { key: apiKey })).body.total === 1, {
        what: 'the failed delivery',
      });
      const recovered = await call('POST', '/v1/webhooks/{id}/recover', { key: apiKey, params: { id }, body: { since } });
      expect(recovered.body).toEqual({ recovered: 1 });
      await call('POST', '/v1/webhooks/{id}/recover', { key: apiKey, params: { id }, body: { since: '2025-07-02T00:00:00Z', until: '2025-07-01T00:00:00Z' } });
      await call('POST', '/v1/webhooks/{id}/recover', { key: apiKey, params: { id: 'sub_unknown' }, body: { since } });
      await call('PATCH', '/v1/webhooks/{id}', { key: apiKey, params: { id }, body: { is_active: false } });
      await call('POST', '/v1/webhooks/{id}/recover', { key: apiKey, params: { id }, body: { since } });
      await call('DELETE', '/v1/webhooks/{id}', { key: apiKey, params: { id } });
    } finally {
      await failing.close();
    }
  });

  it('channel webhooks', async () => {
    const channel = 'worker:docs_1';
    await call('GET', '/v1/channels/{channel}/webhook', { key: apiKey, params: { channel } });
    await call('POST', '/v1/channels/{channel}/webhook/regenerate-token', { key: apiKey, params: { channel } });
    await call('PUT', '/v1/channels/{channel}/webhook', { key: apiKey, params: { channel }, body: { url: receiver.url, target: receiver.url } });
    await call('PUT', '/v1/channels/{channel}/webhook', { key: apiKey, params: { channel }, body: { url: receiver.url, payload_format: 'data' } });
    await call('GET', '/v1/channels/{channel}/webhook', { key: apiKey, params: { channel } });
    await call('GET', '/v1/channels/{channel}/webhook', { key: apiKey, params: { channel: 'bad channel!' } });
    await call('POST', '/v1/channels/{channel}/webhook/regenerate-token', { key: apiKey, params: { channel } });
    await call('POST', '/v1/events', { key: apiKey, body: { event_type: 'task.finished', data: { ok: true }, channel } });
    await waitFor(
      async () => (await api.request('GET', `/v1/channels/${encodeURIComponent(channel)}/webhook/executions`, { key: apiKey })).body.total_count === 1,
      {
        what: 'the channel delivery',
      },
    );
    await call('GET', '/v1/channels/{channel}/webhook/executions', { key: apiKey, params: { channel } });
    await call('GET', '/v1/channels/{channel}/webhook/executions', { key: apiKey, params: { channel }, query: '?page=0' });
    await call('DELETE', '/v1/channels/{channel}/webhook', { key: apiKey, params: { channel } });
  });

  it('portal sessions and delivery stats', async () => {
    const created = await call('POST', '/v1/portal/sessions', { key: apiKey, body: { tenant: 'customer:docs', read_only: true } });
    await call('POST', '/v1/portal/sessions', { key: apiKey, body: { tenant: 'bad tenant!', expires_in_seconds: 10 } });
    await call('GET', '/v1/stats/deliveries', { key: apiKey });
    await call('GET', '/v1/stats/deliveries', { key: created.body.token, query: '?bucket=minute&since=2025-07-01T00:00:00Z&until=2025-07-01T00:05:00Z' });
    await call('GET', '/v1/stats/deliveries', { key: apiKey, query: '?since=2025-07-01T00:00:00Z&until=2025-07-09T00:00:00Z' });
    await call('GET', '/v1/portal/session', { key: created.body.token });
    await call('GET', '/v1/portal/session', { key: apiKey });
    await call('DELETE', '/v1/portal/sessions/{id}', { key: created.body.token, params: { id: created.body.id } });
    await call('DELETE', '/v1/portal/sessions/{id}', { key: apiKey, params: { id: created.body.id } });
    await call('GET', '/v1/portal/session', { key: created.body.token });
    await call('DELETE', '/v1/portal/sessions/{id}', { key: apiKey, params: { id: created.body.id } });
  });

  it('operations endpoints', async () => {
    await call('GET', '/health/live');
    await call('GET', '/health/ready');
    await call('GET', '/metrics');
    await call('GET', '/admin/queues');
    await call('GET', '/admin/queues', { admin: true });
  });

  it('exercised every documented operation', () => {
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      (['get', 'put', 'post', 'delete', 'patch'] as const).filter((method) => item[method]).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.filter((operation) => !exercised.has(operation))).toEqual([]);
  });
});
