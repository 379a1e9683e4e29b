import type { TestApi } from './support/api';
import { testConfig } from './support/config';
import { waitFor } from './support/poll';
import type { Receiver } from './support/receiver';
import { startStack, type Stack } from './support/stack';

/**
 * The delivery-time SSRF guard through the real worker: the API here accepts a loopback URL (as a
 * public name that later resolves to a private address would slip past it), the worker refuses to connect.
 */
describe('worker: private targets', () => {
  const apiConfig = testConfig({ allowPrivateUrls: true });
  const workerConfig = { ...apiConfig, allowPrivateUrls: false };
  let stack: Stack;
  let api: TestApi;
  let receiver: Receiver;

  beforeAll(async () => {
    stack = await startStack({ workers: 0, config: apiConfig });
    ({ api, receiver } = stack);
    await stack.addWorker(workerConfig);
  });

  afterAll(() => stack?.stop());

  it('fails the attempt at once, without retries, and never connects', async () => {
    const { api_key: key } = await api.createOrg('worker blocked target');
    const created = await api.request('POST', '/v1/webhooks', {
      key,
      body: { name: 'loopback', url: `${receiver.url}/internal`, events: ['*'], max_attempts: 5 },
    });
    expect(created.status).toBe(201);
    const published = await api.request('POST', '/v1/events', { key, body: { event_type: 'ssrf.probe', data: {} } });

    const logId = await waitFor(
      async () => (await api.request('GET', `/v1/events/${published.body.event_id}`, { key })).body.deliveries?.[0]?.log_id as string | undefined,
      {
        what: 'the delivery',
      },
    );
    const log = await waitFor(
      async () => {
        const { body } = await api.request('GET', `/v1/webhooks/logs/${logId}`, { key });
        return body.status === 'failed' && body;
      },
      { what: 'the failed delivery' },
    );
    expect(log).toMatchObject({ attempts: 1, next_attempt_at: null, error_message: 'blocked: 127.0.0.1 is a private address' });
    expect(log.attempts_detail).toEqual([expect.objectContaining({ request_status: 'error', response_status: null })]);
    expect(receiver.requests).toHaveLength(0);
  });
});
