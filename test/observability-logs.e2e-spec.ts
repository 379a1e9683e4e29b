import { Logger, type INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApiApp } from '../apps/api/src/create-app';
import { createWorker } from '../apps/worker/src/create-worker';
import { ADMIN_TOKEN, testConfig } from './support/config';
import { waitFor } from './support/poll';
import { startReceiver, type Receiver } from './support/receiver';

/** Collects what the apps' pino loggers write: one JSON document per line. */
class CapturedLines {
  readonly lines: string[] = [];

  write(chunk: string): void {
    this.lines.push(...chunk.split('\n').filter((line) => line.length > 0));
  }

  text(): string {
    return this.lines.join('\n');
  }

  records(): Array<Record<string, any>> {
    return this.lines.map((line) => JSON.parse(line));
  }
}

describe('structured logs', () => {
  const config = testConfig({ logLevel: 'info' });
  const captured = new CapturedLines();
  let api: NestFastifyApplication;
  let worker: INestApplicationContext;
  let receiver: Receiver;
  let baseUrl: string;

  const request = async (method: string, path: string, headers: Record<string, string>, body?: unknown) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  beforeAll(async () => {
    api = await createApiApp(config, { logDestination: captured });
    await api.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = (await api.getUrl()).replace('[::1]', '127.0.0.1');
    worker = await createWorker(config, { logDestination: captured });
    receiver = await startReceiver();
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await receiver?.close();
  });

  it('writes JSON lines with ids, and never payloads, secrets or credentials', async () => {
    const org = await request('POST', '/v1/orgs', { authorization: `Bearer ${ADMIN_TOKEN}` }, { name: 'Logs org' });
    expect(org.status).toBe(201);
    const apiKey: string = org.body.api_key;
    const auth = { authorization: `Bearer ${apiKey}` };
    // The first attempt fails, so the worker logs the retry with the delivery's ids.
    receiver.respondWith((_, response, index) => void response.writeHead(index === 0 ? 500 : 200).end());
    const subscription = await request('POST', '/v1/webhooks', auth, { name: 'logs', url: `${receiver.url}/logs`, events: ['logs.checked'] });
    expect(subscription.status).toBe(201);
    const payloadMarker = 'payload-marker-7f3c2a';
    const event = await request('POST', '/v1/events', auth, { event_type: 'logs.checked', data: { note: payloadMarker } });
    expect(event.status).toBe(202);
    expect((await request('GET', '/v1/webhooks', { authorization: 'Bearer hk_wrong_key_for_logs' })).status).toBe(401);
    await waitFor(() => receiver.requests.length === 2, { what: 'the retried delivery' });

    const records = captured.records(); // throws on any line that is not JSON
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) {
      expect(record).toMatchObject({
        level: expect.any(String),
        time: expect.any(String),
        app: expect.stringMatching(/^(api|worker)$/),
        msg: expect.any(String),
      });
    }
    // One line per request, without headers or body.
    expect(records).toContainEqual(
      expect.objectContaining({ app: 'api', msg: 'request completed', method: 'POST', path: '/v1/events', status: 202, duration_ms: expect.any(Number) }),
    );
    expect(records).toContainEqual(expect.objectContaining({ app: 'api', path: '/v1/webhooks', status: 401 }));
    // Nest's Logger calls of the worker go through pino and carry the delivery's ids as fields.
    await waitFor(
      () =>
        captured
          .records()
          .some(
            (record) =>
              record.app === 'worker' &&
              record.event_id === event.body.event_id &&
              record.subscription_id === subscription.body.id &&
              typeof record.delivery_id === 'string',
          ),
      {
        what: 'a worker line naming the event and the subscription',
      },
    );

    const text = captured.text();
    for (const secret of [apiKey, ADMIN_TOKEN, subscription.body.secret, payloadMarker, 'hk_wrong_key_for_logs']) {
      expect(text).not.toContain(secret);
    }
  });

  it('redacts secret-looking fields and credentials in objects logged through Nest', () => {
    const logger = new Logger('LogsSpec');
    logger.log({ msg: 'object fields', delivery_id: 'dlv_log_1', secret: 'whsec_do_not_print', token: 'tok_do_not_print' });
    logger.warn({ msg: 'nested', request: { headers: { authorization: 'Bearer do_not_print' }, api_key: 'key_do_not_print' } });
    logger.error(new Error('boom for the logs spec'));

    const records = captured.records();
    expect(records).toContainEqual(
      expect.objectContaining({ context: 'LogsSpec', msg: 'object fields', delivery_id: 'dlv_log_1', secret: '[redacted]', token: '[redacted]' }),
    );
    expect(records).toContainEqual(
      expect.objectContaining({ level: 'warn', msg: 'nested', request: { headers: { authorization: '[redacted]' }, api_key: '[redacted]' } }),
    );
    expect(records).toContainEqual(
      expect.objectContaining({ level: 'error', context: 'LogsSpec', msg: 'boom for the logs spec', err: expect.objectContaining({ type: 'Error' }) }),
    );
    expect(captured.text()).not.toMatch(/do_not_print/);
  });
});
