import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApiApp } from '../apps/api/src/create-app';
import { createWorker } from '../apps/worker/src/create-worker';
import { ADMIN_TOKEN, testConfig } from './support/config';
import { waitFor } from './support/poll';
import { startReceiver, type Receiver } from './support/receiver';

/** Collects pino's JSON lines in memory (a pino DestinationStream). */
function logCapture() {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}

/**
 * No secret, token or key in the log lines of an api and a worker at LOG_LEVEL=trace, through a
 * run that creates, rotates, delivers, retries and fails; nor in any error answer.
 */
describe('security: no credentials in logs or error messages', () => {
  const databasePassword = `db-pw-${randomBytes(8).toString('hex')}`;
  const baseConfig = testConfig();
  const config = testConfig({
    logLevel: 'trace',
    encryptionKey: randomBytes(32),
    // Trust authentication ignores the password: it is here to be looked for in the logs.
    databaseUrl: baseConfig.databaseUrl.replace('postgres@', `postgres:${databasePassword}@`),
  });
  const apiLogs = logCapture();
  const workerLogs = logCapture();
  let app: NestFastifyApplication;
  let worker: INestApplicationContext;
  let receiver: Receiver;
  let baseUrl: string;
  /** Every credential the run used, by name. */
  const credentials: Record<string, string> = {
    admin_token: ADMIN_TOKEN,
    database_password: databasePassword,
    encryption_key: config.encryptionKey!.toString('base64'),
  };
  /** Every answer the API gave that is not one of the few that hand a credential out. */
  const errorAnswers: string[] = [];
  /** Event data that must not be logged either (payloads can hold anything). */
  const payloadMarker = `payload-${randomBytes(8).toString('hex')}`;

  const call = async (method: string, path: string, options: { key?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    const body = options.body !== undefined ? JSON.stringify(options.body) : options.rawBody;
    if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    if (response.status >= 400) errorAnswers.push(`${method} ${path} → ${response.status} ${text}`);
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    app = await createApiApp(config, { logDestination: apiLogs.destination });
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    worker = await createWorker(config, { logDestination: workerLogs.destination });
    await worker.init();
    // /flaky fails twice before it succeeds; /gone fails for good.
    receiver = await startReceiver((request, response) => {
      const failures = receiver.requests.filter((seen) => seen.path === request.path).length;
      if (request.path === '/gone') return void response.writeHead(410).end('gone');
      if (request.path === '/flaky' && failures <= 2) return void response.writeHead(500).end('try again');
      response.writeHead(200).end('ok');
    });

    const org = await call('POST', '/v1/orgs', { key: ADMIN_TOKEN, body: { name: 'log hygiene' } });
    credentials.api_key = org.body.api_key;
    const key = org.body.api_key as string;
    const secondKey = await call('POST', `/v1/orgs/${org.body.id}/api-keys`, { key: ADMIN_TOKEN });
    credentials.second_api_key = secondKey.body.api_key;

    const headerSecret = `hdr-${randomBytes(12).toString('hex')}`;
    credentials.custom_header_value = headerSecret;
    const subscriptions: Array<{ id: string; secret: string }> = [];
    for (const path of ['/ok', '/flaky', '/gone']) {
      const created = await call('POST', '/v1/webhooks', {
        key,
        body: { name: path, url: `${receiver.url}${path}`, events: ['*'], headers: { 'X-Api-Secret': headerSecret } },
      });
      expect(created.status).toBe(201);
      credentials[`secret${path.replace('/', '_')}`] = created.body.secret;
      subscriptions.push(created.body);
    }
    const rotated = await call('POST', `/v1/webhooks/${subscriptions[0].id}/secret/rotate`, { key, body: { grace_seconds: 3600 } });
    credentials.rotated_secret = rotated.body.secret;
    const patchedSecret = `patched-${randomBytes(12).toString('hex')}`;
    credentials.patched_secret = patchedSecret;
    await call('PATCH', `/v1/webhooks/${subscriptions[1].id}`, { key, body: { secret: patchedSecret } });
    await call('GET', `/v1/webhooks/${subscriptions[1].id}/secret`, { key });

    const channel = await call('PUT', '/v1/channels/queue:logs/webhook', { key, body: { url: `${receiver.url}/ok` } });
    credentials.channel_token = channel.body.token;
    const regenerated = await call('POST', '/v1/channels/queue:logs/webhook/regenerate-token', { key });
    credentials.regenerated_token = regenerated.body.token;

    const published = await call('POST', '/v1/events', { key, body: { event_type: 'order.paid', data: { marker: payloadMarker }, channel: 'queue:logs' } });
    expect(published.status).toBe(202);
    await call('POST', `/v1/webhooks/${subscriptions[0].id}/test`, { key });

    // Requests that fail, with credentials where a careless message would echo them.
    const wrongKey = `hk_${randomBytes(32).toString('base64url')}`;
    credentials.wrong_key = wrongKey;
    await call('GET', '/v1/webhooks', { key: wrongKey });
    await call('GET', '/v1/webhooks', { headers: { authorization: `Token ${wrongKey}` } });
    await call('POST', '/v1/orgs', { key: wrongKey, body: { name: 'not admin' } });
    const badSecret = `whsec_not-base64-${randomBytes(8).toString('hex')}!`;
    credentials.bad_secret = badSecret;
    await call('POST', '/v1/webhooks', { key, body: { name: 'bad', url: `${receiver.url}/ok`, events: ['*'], secret: badSecret } });
    await call('POST', `/v1/webhooks/${subscriptions[0].id}/secret/rotate`, { key, body: { secret: badSecret } });
    const urlPassword = `url-pw-${randomBytes(8).toString('hex')}`;
    credentials.url_password = urlPassword;
    await call('POST', '/v1/webhooks', { key, body: { name: 'creds', url: `https://user:${urlPassword}@example.com/hook`, events: ['*'] } });
    const crlfValue = `crlf-${randomBytes(8).toString('hex')}`;
    credentials.crlf_header_value = crlfValue;
    await call('POST', '/v1/webhooks', {
      key,
      body: { name: 'crlf', url: `${receiver.url}/ok`, events: ['*'], headers: { 'X-Token': `${crlfValue}\r\nX-Evil: 1` } },
    });
    await call('POST', '/v1/webhooks', { key, rawBody: `{"name": "broken", "secret": "${badSecret}"` });
    await call('GET', `/v1/webhooks/${subscriptions[0].id}`, { key, headers: { 'x-org-id': 'org_someone_else' } });

    await waitFor(
      async () => {
        const logs = await call('GET', '/v1/webhooks/logs/all', { key });
        const deliveries = logs.body.logs as Array<{ status: string }>;
        return deliveries.length >= 5 && deliveries.every((delivery) => delivery.status === 'delivered' || delivery.status === 'failed') && deliveries;
      },
      { what: 'every delivery to settle (delivered, retried then delivered, failed on 410)' },
    );
  });

  afterAll(async () => {
    await worker?.close();
    await app?.close();
    await receiver?.close();
  });

  it('logged the run at trace level (the check below has something to look at)', () => {
    expect(apiLogs.lines.length).toBeGreaterThan(20);
    expect(workerLogs.lines.length).toBeGreaterThan(5);
    for (const line of [...apiLogs.lines, ...workerLogs.lines]) expect(() => JSON.parse(line)).not.toThrow();
    expect(apiLogs.lines.some((line) => line.includes('/v1/webhooks'))).toBe(true);
    expect(workerLogs.lines.some((line) => /retrying|410/.test(line))).toBe(true);
  });

  it('has no secret, token, key or password in any log line', () => {
    const logs = [...apiLogs.lines, ...workerLogs.lines].join('');
    const leaked = Object.entries(credentials).filter(([, value]) => {
      const material = value.startsWith('whsec_') ? value.slice('whsec_'.length) : value;
      return logs.includes(value) || logs.includes(material);
    });
    expect(leaked.map(([name]) => name)).toEqual([]);
  });

  it('has no event payload in any log line', () => {
    expect([...apiLogs.lines, ...workerLogs.lines].filter((line) => line.includes(payloadMarker))).toEqual([]);
  });

  it('answers errors without echoing a credential', () => {
    expect(errorAnswers.length).toBeGreaterThanOrEqual(9);
    const answers = errorAnswers.join('\n');
    const leaked = Object.entries(credentials).filter(([name, value]) => name !== 'api_key' && answers.includes(value));
    expect(leaked.map(([name]) => name)).toEqual([]);
  });
});
