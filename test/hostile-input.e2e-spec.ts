import { request as httpRequest } from 'node:http';
import type { Pool } from 'pg';
import { startApi, type ApiResponse, type TestApi } from './support/api';
import { testConfig } from './support/config';
import { waitFor } from './support/poll';
import type { Receiver } from './support/receiver';
import { startStack, type Stack } from './support/stack';

/** Ids of the other organization's resources, of every kind, that the table probes. */
interface Foreign {
  subscriptionId: string;
  eventId: string;
  logId: string;
  eventType: string;
  channel: string;
  callId: string;
  orgId: string;
}

interface Row {
  name: string;
  method: string;
  /** The path, percent-encoded as it goes on the wire. */
  path: string | ((foreign: Foreign) => string);
  body?: unknown;
  /** Sent as is, instead of JSON of `body`. */
  rawBody?: string;
  headers?: Record<string, string> | ((foreign: Foreign) => Record<string, string>);
  /** false: no API key. */
  auth?: false;
  status: number;
  error: string;
  /** The field the answer's details must name. */
  field?: string;
}

const KIB = 1024;
const VALID_SUBSCRIPTION = { name: 'hostile', url: 'https://hooks.example.com/in', events: ['order.paid'] };
const subscriptionWith = (changes: Record<string, unknown>) => ({ ...VALID_SUBSCRIPTION, ...changes });
const VALID_EVENT = { event_type: 'order.paid', data: { order: 1 } };
const eventWith = (changes: Record<string, unknown>) => ({ ...VALID_EVENT, ...changes });
const nested = (depth: number): unknown => (depth === 0 ? {} : { a: nested(depth - 1) });

const ROWS: Row[] = [
  // Bodies that are not the JSON object they should be.
  { name: 'malformed JSON', method: 'POST', path: '/v1/webhooks', rawBody: '{"name": "x", ', status: 400, error: 'validation_failed' },
  {
    name: 'JSON with a trailing comma',
    method: 'POST',
    path: '/v1/events',
    rawBody: '{"event_type": "a", "data": {},}',
    status: 400,
    error: 'validation_failed',
  },
  { name: 'empty body declared as JSON', method: 'POST', path: '/v1/events', rawBody: '', status: 400, error: 'validation_failed' },
  { name: 'no body at all', method: 'POST', path: '/v1/webhooks', status: 400, error: 'validation_failed' },
  { name: 'array body', method: 'POST', path: '/v1/events', body: [VALID_EVENT], status: 400, error: 'validation_failed' },
  { name: 'number body', method: 'POST', path: '/v1/events', rawBody: '42', status: 400, error: 'validation_failed' },
  { name: 'string body', method: 'POST', path: '/v1/webhooks', rawBody: '"subscribe me"', status: 400, error: 'validation_failed' },
  { name: 'null body', method: 'POST', path: '/v1/events', rawBody: 'null', status: 400, error: 'validation_failed' },
  // Fastify reads text/plain as a string and forms as flat strings: neither makes a valid body.
  {
    name: 'JSON sent as text/plain',
    method: 'POST',
    path: '/v1/events',
    rawBody: JSON.stringify(VALID_EVENT),
    headers: { 'content-type': 'text/plain' },
    status: 400,
    error: 'validation_failed',
  },
  {
    name: 'form content type',
    method: 'POST',
    path: '/v1/webhooks',
    rawBody: 'name=x&url=https%3A%2F%2Fhooks.example.com&events=a',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 400,
    error: 'validation_failed',
  },
  {
    name: 'XML content type',
    method: 'POST',
    path: '/v1/events',
    rawBody: '<event type="a"/>',
    headers: { 'content-type': 'application/xml' },
    status: 415,
    error: 'unsupported_media_type',
  },
  {
    name: 'multipart content type',
    method: 'POST',
    path: '/v1/webhooks',
    rawBody: '--x\r\n\r\n--x--',
    headers: { 'content-type': 'multipart/form-data; boundary=x' },
    status: 415,
    error: 'unsupported_media_type',
  },
  {
    name: 'body over 256 KiB',
    method: 'POST',
    path: '/v1/events',
    body: eventWith({ data: { blob: 'x'.repeat(257 * KIB) } }),
    status: 413,
    error: 'payload_too_large',
  },
  {
    name: '__proto__ key (prototype poisoning)',
    method: 'POST',
    path: '/v1/events',
    rawBody: '{"event_type": "a", "data": {"__proto__": {"admin": true}}}',
    status: 400,
    error: 'validation_failed',
  },
  {
    name: 'constructor.prototype key',
    method: 'POST',
    path: '/v1/events',
    rawBody: '{"event_type": "a", "data": {"constructor": {"prototype": {"admin": true}}}}',
    status: 400,
    error: 'validation_failed',
  },
  { name: 'data nested 200 levels deep', method: 'POST', path: '/v1/events', body: eventWith({ data: nested(200) }), status: 400, error: 'validation_failed' },

  // Wrong types, missing and unknown fields.
  { name: 'event_type a number', method: 'POST', path: '/v1/events', body: eventWith({ event_type: 42 }), status: 400, error: 'validation_failed' },
  {
    name: 'event_type with CR/LF',
    method: 'POST',
    path: '/v1/events',
    body: eventWith({ event_type: 'order\r\npaid' }),
    status: 400,
    error: 'validation_failed',
  },
  {
    name: 'event_type over 255 characters',
    method: 'POST',
    path: '/v1/events',
    body: eventWith({ event_type: 'a'.repeat(256) }),
    status: 400,
    error: 'validation_failed',
  },
  { name: 'data an array', method: 'POST', path: '/v1/events', body: eventWith({ data: [1, 2] }), status: 400, error: 'validation_failed' },
  { name: 'data a string', method: 'POST', path: '/v1/events', body: eventWith({ data: '{"order": 1}' }), status: 400, error: 'validation_failed' },
  { name: 'data missing', method: 'POST', path: '/v1/events', body: { event_type: 'order.paid' }, status: 400, error: 'validation_failed' },
  { name: 'unknown event field', method: 'POST', path: '/v1/events', body: eventWith({ organization_id: 'org_x' }), status: 400, error: 'validation_failed' },
  {
    name: 'unknown subscription field',
    method: 'POST',
    path: '/v1/webhooks',
    body: subscriptionWith({ is_admin: true }),
    status: 400,
    error: 'validation_failed',
  },
  {
    name: 'idempotency key of 10 000 characters',
    method: 'POST',
    path: '/v1/events',
    body: eventWith({ idempotency_key: 'k'.repeat(10_000) }),
    status: 400,
    error: 'validation_failed',
  },
  {
    name: 'idempotency key a number',
    method: 'POST',
    path: '/v1/events',
    body: eventWith({ idempotency_key: 12345 }),
    status: 400,
    error: 'validation_failed',
  },
  { name: 'channel with a slash', method: 'POST', path: '/v1/events', body: eventWith({ channel: '../other' }), status: 400, error: 'validation_failed' },
  { name: 'name a number', method: 'POST', path: '/v1/webhooks', body: subscriptionWith({ name: 12 }), status: 400, error: 'validation_failed' },
  { name: 'name null', method: 'POST', path: '/v1/webhooks', body: subscriptionWith({ name: null }), status: 400, error: 'validation_failed' },
  { name: 'events a string', method: 'POST', path: '/v1/webhooks', body: subscriptionWith({ events: 'order.paid' }), status: 400, error: 'validation_failed' },
  { name: 'events empty', method: 'POST', path: '/v1/webhooks', body: subscriptionWith({ events: [] }), status: 400, error: 'validation_failed' },
  {
    name: 'events list of 10 000 entries',
    method: 'POST',
    path: '/v1/webhooks',
    body: subscriptionWith({ events: Array.from({ length: 10_000 }, (_, i) => `type.${i}`) }),
    status: 400,
    error: 'validation_failed',
  },
  {
    name: 'event filter with SQL',
    method: 'POST',
    path: '/v1/webhooks',
    body: subscriptionWith({ events: ["x' OR '1'='1"] }),
    status: 400,
    error: 'validation_failed',
  },
  { name: 'max_attempts 0', method: 'POST', path: '/v1/webhooks', body: subscriptionWith({ max_attempts: 0 }), status: 400, error: 'validation_failed' },
  {
    name: 'max_attempts as a string',
    method: 'POST',
    path: '/v1/webhooks',
    body: subscriptionWith({ max_attempts: '5' }),
    status: 400,
    error: 'validation_failed',
  },
  {
    name: 'max_attempts 1e309 (Infinity)',
    method: 'POST',
    path: '/v1/webhooks',
    rawBody: '{"name": "x", "url": "https://hooks.example.com/in", "events": ["a"], "max_attempts": 1e309}',
    status: 400,
    error: 'validation_failed',
  },
  { name: 'is_active "yes"', method: 'POST', path: '/v1/webhooks', body: subscriptionWith({ is_active: 'yes' }), status: 400, error: 'validation_failed' },

  // Custom headers.
  {
    name: 'headers map of 1000 entries',
    method: 'POST',
    path: '/v1/webhooks',
    body: subscriptionWith({ headers: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`X-H${i}`, 'v'])) }),
    status: 400,
    error: 'validation_failed',
  },
  {
    name: 'CR/LF in a header name',
    method: 'POST',
    path: '/v1/webhooks',
    body: subscriptionWith({ headers: { 'X-A\r\nX-Injected': 'v' } }),
    status: 400,
    error: 'validation_failed',
  },
  {
    name: 'CR/LF in a header value',
    method: 'POST',
    path: '/v1/webhooks',
    body: subscriptionWith({ headers: { 'X-A': 'v\r\nX-Injected: 1' } }),
    status: 400,
    error: 'validation_failed',
  },
  {
    name: 'bare LF in a header value',
    method: 'PATCH',
    path: '/v1/webhooks/sub_unknown',
    body: { headers: { 'X-A': 'v\nX-Injected: 1' } },
    status: 400,
    error: 'validation_failed',
  },
  {
    name: 'a Host header',
    method: 'POST',
    path: '/v1/webhooks',
    body: subscriptionWith({ headers: { Host: 'internal.example' } }),
    status: 400,
    error: 'validation_failed',
  },
  {
    name: 'a webhook-signature header',
    method: 'POST',
    path: '/v1/webhooks',
    body: subscriptionWith({ headers: { 'Webhook-Signature': 'v1,forged' } }),
    status: 400,
    error: 'validation_failed',
  },
  {
    name: 'a header value that is a number',
    method: 'POST',
    path: '/v1/webhooks',
    body: subscriptionWith({ headers: { 'X-A': 1 } }),
    status: 400,
    error: 'validation_failed',
  },
  {
    name: 'headers an array',
    method: 'POST',
    path: '/v1/webhooks',
    body: subscriptionWith({ headers: [['X-A', 'v']] }),
    status: 400,
    error: 'validation_failed',
  },

  // Unicode PostgreSQL cannot store.
  {
    name: 'NUL in a name',
    method: 'POST',
    path: '/v1/webhooks',
    body: subscriptionWith({ name: 'a\u0000b' }),
    status: 400,
    error: 'validation_failed',
    field: 'name',
  },
  {
    name: 'lone surrogate in a name',
    method: 'POST',
    path: '/v1/webhooks',
    rawBody: '{"name": "a\\ud800b", "url": "https://hooks.example.com/in", "events": ["a"]}',
    status: 400,
    error: 'validation_failed',
    field: 'name',
  },
  {
    name: 'NUL in a secret',
    method: 'POST',
    path: '/v1/webhooks',
    body: subscriptionWith({ secret: 'whsec_a\u0000b' }),
    status: 400,
    error: 'validation_failed',
    field: 'secret',
  },
  {
    name: 'NUL in event data',
    method: 'POST',
    path: '/v1/events',
    body: eventWith({ data: { note: '\u0000' } }),
    status: 400,
    error: 'validation_failed',
    field: 'data',
  },
  {
    name: 'lone low surrogate in a data key',
    method: 'POST',
    path: '/v1/events',
    rawBody: '{"event_type": "a", "data": {"\\udc00": 1}}',
    status: 400,
    error: 'validation_failed',
    field: 'data',
  },
  {
    name: 'NUL in an event type',
    method: 'POST',
    path: '/v1/events',
    body: eventWith({ event_type: 'order\u0000paid' }),
    status: 400,
    error: 'validation_failed',
    field: 'event_type',
  },
  {
    name: 'lone surrogate in an event type',
    method: 'POST',
    path: '/v1/events',
    rawBody: '{"event_type": "order\\ud800", "data": {}}',
    status: 400,
    error: 'validation_failed',
    field: 'event_type',
  },

  // Target URLs, with ALLOW_PRIVATE_URLS=false and ALLOW_HTTP_URLS=false.
  ...[
    'http://127.1/',
    'https://127.1/',
    'http://[::1]/',
    'https://[::1]:8443/',
    'http://169.254.169.254/latest/meta-data/',
    'https://169.254.169.254/latest/meta-data/',
    'http://0x7f000001/',
    'https://0x7f000001/',
    'https://2130706433/',
    'https://0177.0.0.1/',
    'https://localhost/',
    'https://api.localhost./',
    'https://10.0.0.8/',
    'https://192.168.1.1/',
    'https://100.64.0.1/',
    'https://0.0.0.0/',
    'https://[::]/',
    'https://[::ffff:127.0.0.1]/',
    'https://[::ffff:a9fe:a9fe]/',
    'https://[fd00::1]/',
    'https://[fe80::1]/',
    'https://224.0.0.1/',
    'http://hooks.example.com/in',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/plain,hello',
    'ftp://hooks.example.com/in',
    'gopher://127.0.0.1:6379/_FLUSHALL',
    '//no-scheme.example.com/in',
    'hooks.example.com/in',
    'https://user:pw@hooks.example.com/in',
    `https://hooks.example.com/${'a'.repeat(2048)}`,
    'https://',
    ' https://hooks.example.com/in\r\nX-Injected: 1',
  ].map((url): Row => ({
    name: `url ${JSON.stringify(url.slice(0, 60))}`,
    method: 'POST',
    path: '/v1/webhooks',
    body: subscriptionWith({ url }),
    status: 400,
    error: 'validation_failed',
  })),
  {
    name: 'private url in a PATCH',
    method: 'PATCH',
    path: '/v1/webhooks/sub_unknown',
    body: { url: 'https://127.0.0.1/' },
    status: 400,
    error: 'validation_failed',
  },
  {
    name: 'metadata url for a channel webhook',
    method: 'PUT',
    path: '/v1/channels/queue:hostile/webhook',
    body: { url: 'https://169.254.169.254/' },
    status: 400,
    error: 'validation_failed',
  },
  { name: 'url a number', method: 'POST', path: '/v1/webhooks', body: subscriptionWith({ url: 443 }), status: 400, error: 'validation_failed' },

  // Another organization's ids, for every resource kind.
  { name: "another org's subscription: GET", method: 'GET', path: (f) => `/v1/webhooks/${f.subscriptionId}`, status: 404, error: 'not_found' },
  {
    name: "another org's subscription: PATCH",
    method: 'PATCH',
    path: (f) => `/v1/webhooks/${f.subscriptionId}`,
    body: { name: 'mine now' },
    status: 404,
    error: 'not_found',
  },
  { name: "another org's subscription: DELETE", method: 'DELETE', path: (f) => `/v1/webhooks/${f.subscriptionId}`, status: 404, error: 'not_found' },
  { name: "another org's subscription: secret", method: 'GET', path: (f) => `/v1/webhooks/${f.subscriptionId}/secret`, status: 404, error: 'not_found' },
  {
    name: "another org's subscription: rotate",
    method: 'POST',
    path: (f) => `/v1/webhooks/${f.subscriptionId}/secret/rotate`,
    body: {},
    status: 404,
    error: 'not_found',
  },
  { name: "another org's subscription: test", method: 'POST', path: (f) => `/v1/webhooks/${f.subscriptionId}/test`, status: 404, error: 'not_found' },
  { name: "another org's subscription: logs", method: 'GET', path: (f) => `/v1/webhooks/${f.subscriptionId}/logs`, status: 404, error: 'not_found' },
  { name: "another org's event", method: 'GET', path: (f) => `/v1/events/${f.eventId}`, status: 404, error: 'not_found' },
  { name: "another org's log", method: 'GET', path: (f) => `/v1/webhooks/logs/${f.logId}`, status: 404, error: 'not_found' },
  { name: "another org's log: retry", method: 'POST', path: (f) => `/v1/webhooks/logs/${f.logId}/retry`, status: 404, error: 'not_found' },
  { name: "another org's event type: GET", method: 'GET', path: (f) => `/v1/event-types/${f.eventType}`, status: 404, error: 'not_found' },
  {
    name: "another org's event type: PATCH",
    method: 'PATCH',
    path: (f) => `/v1/event-types/${f.eventType}`,
    body: { description: 'mine' },
    status: 404,
    error: 'not_found',
  },
  { name: "another org's event type: DELETE", method: 'DELETE', path: (f) => `/v1/event-types/${f.eventType}`, status: 404, error: 'not_found' },
  {
    name: "another org's channel webhook: regenerate-token",
    method: 'POST',
    path: (f) => `/v1/channels/${f.channel}/webhook/regenerate-token`,
    status: 404,
    error: 'not_found',
  },
  { name: "another org's id in X-Org-Id", method: 'GET', path: '/v1/webhooks', headers: (f) => ({ 'x-org-id': f.orgId }), status: 403, error: 'forbidden' },

  // Paging.
  { name: 'negative limit', method: 'GET', path: '/v1/webhooks/logs/all?limit=-1', status: 400, error: 'validation_failed' },
  { name: 'NaN offset', method: 'GET', path: '/v1/webhooks/logs/all?offset=NaN', status: 400, error: 'validation_failed' },
  { name: 'fractional limit', method: 'GET', path: (f) => `/v1/webhooks/${f.subscriptionId}/logs?limit=1.5`, status: 400, error: 'validation_failed' },
  { name: 'limit as an array', method: 'GET', path: '/v1/webhooks/logs/all?limit=1&limit=2', status: 400, error: 'validation_failed' },
  { name: 'page 0 of executions', method: 'GET', path: '/v1/channels/queue:hostile/webhook/executions?page=0', status: 400, error: 'validation_failed' },
  {
    name: 'page "Infinity" of executions',
    method: 'GET',
    path: '/v1/channels/queue:hostile/webhook/executions?page=Infinity',
    status: 400,
    error: 'validation_failed',
  },
  { name: 'call_id missing', method: 'GET', path: '/v1/events', status: 400, error: 'validation_failed' },

  {
    name: 'status filter not a status',
    method: 'GET',
    path: '/v1/webhooks/logs/all?status=delivered%27%20OR%201%3D1',
    status: 400,
    error: 'validation_failed',
  },
  {
    name: 'event_type filter with SQL',
    method: 'GET',
    path: `/v1/webhooks/logs/all?event_type=${encodeURIComponent("a' OR '1'='1")}`,
    status: 400,
    error: 'validation_failed',
  },
  { name: 'call_id of 10 000 characters', method: 'GET', path: `/v1/events?call_id=${'c'.repeat(10_000)}`, status: 400, error: 'validation_failed' },

  // Event types and channels.
  {
    name: 'event type name with SQL',
    method: 'POST',
    path: '/v1/event-types',
    body: { name: "x'; DROP TABLE event_types;--" },
    status: 400,
    error: 'validation_failed',
  },
  {
    name: 'event type schema that is not a JSON Schema',
    method: 'POST',
    path: '/v1/event-types',
    body: { name: 'bad.schema', schema: { type: 'no-such-type' } },
    status: 400,
    error: 'validation_failed',
  },
  {
    name: 'event type schema a string',
    method: 'POST',
    path: '/v1/event-types',
    body: { name: 'bad.schema', schema: '{"type": "object"}' },
    status: 400,
    error: 'validation_failed',
  },
  {
    name: 'channel of 129 characters',
    method: 'PUT',
    path: `/v1/channels/${'c'.repeat(129)}/webhook`,
    body: { url: 'https://hooks.example.com/in' },
    status: 400,
    error: 'validation_failed',
  },
  {
    name: 'channel webhook with both url and target',
    method: 'PUT',
    path: '/v1/channels/queue:hostile/webhook',
    body: { url: 'https://a.example.com/', target: 'https://b.example.com/' },
    status: 400,
    error: 'validation_failed',
  },
  {
    name: 'rotation grace over 7 days',
    method: 'POST',
    path: '/v1/webhooks/sub_unknown/secret/rotate',
    body: { grace_seconds: 10 ** 12 },
    status: 400,
    error: 'validation_failed',
  },

  // Odd ids and paths.
  { name: 'path traversal in an id', method: 'GET', path: '/v1/webhooks/..%2F..%2Fetc%2Fpasswd', status: 404, error: 'not_found' },
  { name: 'SQL in an id', method: 'GET', path: `/v1/webhooks/${encodeURIComponent("sub_1' OR '1'='1")}`, status: 404, error: 'not_found' },
  { name: 'SQL in a log id', method: 'GET', path: `/v1/webhooks/logs/${encodeURIComponent('1; DROP TABLE deliveries;--')}`, status: 404, error: 'not_found' },
  { name: 'NUL in an id', method: 'GET', path: '/v1/events/evt_%00', status: 400, error: 'validation_failed', field: 'id' },
  { name: 'id of 500 characters', method: 'GET', path: `/v1/webhooks/${'a'.repeat(500)}`, status: 404, error: 'not_found' },
  { name: 'id of 600 characters', method: 'GET', path: `/v1/webhooks/${'a'.repeat(600)}`, status: 414, error: 'uri_too_long' },
  { name: 'malformed percent-encoding in a path', method: 'GET', path: '/v1/webhooks/%E0%A4%A', status: 400, error: 'validation_failed' },
  { name: 'channel with a space', method: 'GET', path: '/v1/channels/queue%20one/webhook', status: 400, error: 'validation_failed' },
  { name: 'unknown route', method: 'GET', path: '/v1/secrets', status: 404, error: 'not_found' },
  { name: 'unsupported method on a collection', method: 'PUT', path: '/v1/webhooks', body: {}, status: 404, error: 'not_found' },

  // Credentials.
  { name: 'no API key', method: 'GET', path: '/v1/webhooks', auth: false, status: 401, error: 'unauthorized' },
  {
    name: 'API key of 10 KiB',
    method: 'GET',
    path: '/v1/webhooks',
    auth: false,
    headers: { authorization: `Bearer ${'k'.repeat(10 * KIB)}` },
    status: 401,
    error: 'unauthorized',
  },
  {
    name: 'Basic authorization',
    method: 'GET',
    path: '/v1/webhooks',
    auth: false,
    headers: { authorization: 'Basic dXNlcjpwdw==' },
    status: 401,
    error: 'unauthorized',
  },
  { name: 'admin route with an API key', method: 'POST', path: '/v1/orgs', body: { name: 'escalate' }, status: 401, error: 'unauthorized' },
];

/** Sends a request exactly as written (fetch would normalize the path). */
function rawRequest(baseUrl: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<ApiResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: hostname, port, method, path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          // kept as text; the assertion shows it
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers as Record<string, string>, body: parsed });
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * The hostile-input table: every malformed or hostile request answers its documented 4xx with the
 * error body {error, message, details?}, never a 500, and the service is healthy afterwards.
 */
describe('hostile input', () => {
  const permissiveConfig = testConfig();
  // A second API instance with the SSRF guard and https rule on, as in production.
  const strictConfig = { ...permissiveConfig, allowPrivateUrls: false, allowHttpUrls: false };
  let stack: Stack;
  let setupApi: TestApi;
  let api: TestApi;
  let receiver: Receiver;
  let db: Pool;
  let key: string;
  let otherKey: string;
  let foreign: Foreign;

  beforeAll(async () => {
    stack = await startStack({ config: permissiveConfig });
    ({ api: setupApi, receiver, db } = stack);
    api = await startApi(strictConfig);
    ({ api_key: key } = await api.createOrg('hostile caller'));
    const other = await api.createOrg('hostile target');
    otherKey = other.api_key;

    // The other organization's resources of every kind, with a delivery log to a local receiver.
    const subscription = await setupApi.request('POST', '/v1/webhooks', {
      key: otherKey,
      body: { name: 'target', url: `${receiver.url}/target`, events: ['*'] },
    });
    const eventType = await setupApi.request('POST', '/v1/event-types', { key: otherKey, body: { name: 'target.created' } });
    const channel = await setupApi.request('PUT', '/v1/channels/queue:target/webhook', { key: otherKey, body: { url: `${receiver.url}/channel` } });
    const event = await setupApi.request('POST', '/v1/events', { key: otherKey, body: { event_type: 'target.created', data: {}, call_id: 'call_target' } });
    expect([subscription.status, eventType.status, channel.status, event.status]).toEqual([201, 201, 200, 202]);
    const deliveries = await waitFor(
      async () => {
        const { body } = await setupApi.request('GET', `/v1/events/${event.body.event_id}`, { key: otherKey });
        return body.deliveries.length === 1 && body.deliveries;
      },
      { what: "the other organization's delivery" },
    );
    foreign = {
      subscriptionId: subscription.body.id,
      eventId: event.body.event_id,
      logId: deliveries[0].log_id,
      eventType: 'target.created',
      channel: 'queue:target',
      callId: 'call_target',
      orgId: other.id,
    };
  });

  afterAll(async () => {
    await api?.close();
    await stack?.stop();
  });

  const send = (row: Row) => {
    const path = typeof row.path === 'function' ? row.path(foreign) : row.path;
    const headers: Record<string, string> = {};
    if (row.auth !== false) headers.authorization = `Bearer ${key}`;
    Object.assign(headers, typeof row.headers === 'function' ? row.headers(foreign) : row.headers);
    const body = row.rawBody ?? (row.body === undefined ? undefined : JSON.stringify(row.body));
    if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    return rawRequest(api.baseUrl, row.method, path, headers, body);
  };

  it('has at least 30 rows', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(ROWS.map((row) => row.name)).size).toBe(ROWS.length);
  });

  it.each(ROWS.map((row) => [row.name, row] as const))('%s', async (_, row) => {
    const response = await send(row);
    expect({ status: response.status, error: response.body?.error }).toEqual({ status: row.status, error: row.error });
    expect(typeof response.body.message).toBe('string');
    expect(response.body.message.length).toBeGreaterThan(0);
    expect(Object.keys(response.body).filter((field) => !['error', 'message', 'details'].includes(field))).toEqual([]);
    if (response.body.details !== undefined) expect(Array.isArray(response.body.details)).toBe(true);
    if (row.field) expect(response.body.details).toEqual([{ field: row.field, message: expect.stringMatching(new RegExp(`^${row.field} `)) }]);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
  });

  describe('after the table', () => {
    it("left the other organization's resources untouched", async () => {
      const subscription = await setupApi.request('GET', `/v1/webhooks/${foreign.subscriptionId}`, { key: otherKey });
      expect(subscription).toMatchObject({ status: 200, body: { name: 'target' } });
      expect((await setupApi.request('GET', `/v1/event-types/${foreign.eventType}`, { key: otherKey })).status).toBe(200);
      expect((await setupApi.request('GET', `/v1/channels/${foreign.channel}/webhook`, { key: otherKey })).body.url).toBe(`${receiver.url}/channel`);
    });

    it("shows nothing of the other organization's channel webhook, executions or call ids", async () => {
      expect(await api.request('GET', `/v1/channels/${foreign.channel}/webhook`, { key })).toMatchObject({ status: 200, body: { url: null, token: null } });
      expect(await api.request('GET', `/v1/channels/${foreign.channel}/webhook/executions`, { key })).toMatchObject({
        status: 200,
        body: { logs: [], total_count: 0 },
      });
      expect(await api.request('GET', `/v1/events?call_id=${foreign.callId}`, { key })).toMatchObject({ status: 200, body: { events: [] } });
      expect(await api.request('GET', '/v1/webhooks/logs/all', { key })).toMatchObject({ status: 200, body: { logs: [], total: 0 } });
    });

    it('accepts unicode edge cases that PostgreSQL can store, verbatim: 4-byte emoji, RTL override, combining marks', async () => {
      const name = 'Alerts 🚀🔥 \u202Egnp.exe\u202C e\u0301 中文';
      const created = await api.request('POST', '/v1/webhooks', { key, body: subscriptionWith({ name, headers: { 'X-Label': 'caf\u00e9' } }) });
      expect(created.status).toBe(201);
      expect((await api.request('GET', `/v1/webhooks/${created.body.id}`, { key })).body).toMatchObject({ name, headers: { 'X-Label': 'caf\u00e9' } });
      const event = await api.request('POST', '/v1/events', { key, body: eventWith({ data: { text: '👩‍👩‍👧‍👦 \u202E', 'key_🚀': true } }) });
      expect(event.status).toBe(202);
      expect((await api.request('GET', `/v1/events/${event.body.event_id}`, { key })).body.data).toEqual({ text: '👩‍👩‍👧‍👦 \u202E', 'key_🚀': true });
    });

    it('stores SQL-looking strings verbatim without running them', async () => {
      const name = "Robert'); DROP TABLE subscriptions;--";
      const created = await api.request('POST', '/v1/webhooks', { key, body: subscriptionWith({ name, headers: { 'X-Q': "' OR 1=1 --" } }) });
      expect(created.status).toBe(201);
      expect((await api.request('GET', `/v1/webhooks/${created.body.id}`, { key })).body).toMatchObject({ name, headers: { 'X-Q': "' OR 1=1 --" } });
      const data = { q: "1; DELETE FROM events WHERE '1'='1", json: "'}'::jsonb" };
      const event = await api.request('POST', '/v1/events', { key, body: eventWith({ data, idempotency_key: "idem' OR '1'='1", call_id: "call'--" }) });
      expect(event.status).toBe(202);
      expect((await api.request('GET', `/v1/events/${event.body.event_id}`, { key })).body.data).toEqual(data);
      expect((await api.request('GET', `/v1/events?call_id=${encodeURIComponent("call'--")}`, { key })).body.events).toHaveLength(1);
      const { rows } = await db.query('SELECT count(*)::int AS n FROM subscriptions WHERE name = $1', [name]);
      expect(rows[0].n).toBe(1);
    });

    it('accepts a body just under 256 KiB', async () => {
      const response = await api.request('POST', '/v1/events', { key, body: eventWith({ data: { blob: 'x'.repeat(250 * KIB) } }) });
      expect(response.status).toBe(202);
    });

    it('is healthy: ready, and a normal subscription and event still work', async () => {
      expect((await api.request('GET', '/health/ready')).status).toBe(200);
      const created = await api.request('POST', '/v1/webhooks', { key, body: VALID_SUBSCRIPTION });
      expect(created.status).toBe(201);
      const event = await api.request('POST', '/v1/events', { key, body: VALID_EVENT });
      expect(event.status).toBe(202);
      expect((await api.request('GET', `/v1/events/${event.body.event_id}`, { key })).status).toBe(200);
      // The permissive instance delivers end to end, too.
      const local = await setupApi.request('POST', '/v1/webhooks', { key, body: { name: 'local', url: `${receiver.url}/after`, events: ['after.table'] } });
      expect(local.status).toBe(201);
      await setupApi.request('POST', '/v1/events', { key, body: { event_type: 'after.table', data: {} } });
      await waitFor(() => receiver.requests.some((request) => request.path === '/after'), { what: 'a delivery after the table' });
    });
  });
});
