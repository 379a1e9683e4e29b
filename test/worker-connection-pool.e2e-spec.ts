import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestApi } from './support/api';
import { testConfig } from './support/config';
import { waitFor } from './support/poll';
import { startStack, type Stack } from './support/stack';

/** Deliveries reuse keep-alive connections, at most MAX_SOCKETS_PER_ORIGIN of them per receiver origin. */
describe('worker: connection pool per origin', () => {
  const config = testConfig({ maxSocketsPerOrigin: 2, workerConcurrency: 20 });
  let stack: Stack;
  let api: TestApi;
  let receiver: Server;
  let url: string;
  let connections = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let received = 0;

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      request.resume();
      request.on('end', () =>
        setTimeout(() => {
          inFlight--;
          received++;
          response.writeHead(200).end('ok');
        }, 50),
      );
    });
    receiver.on('connection', () => connections++);
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    stack = await startStack({ config });
    ({ api } = stack);
  });

  afterAll(async () => {
    await stack?.stop();
    receiver?.closeAllConnections();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('sends 20 concurrent deliveries to one origin over at most 2 connections', async () => {
    const { api_key: key } = await api.createOrg('connection pool');
    const subscription = await api.request('POST', '/v1/webhooks', { key, body: { name: 'pool', url, events: ['*'] } });
    expect(subscription.status).toBe(201);
    const response = await api.request('POST', '/v1/events/batch', {
      key,
      body: { events: Array.from({ length: 20 }, (_, i) => ({ event_type: 'pool.tick', data: { i } })) },
    });
    expect(response.status).toBe(202);

    await waitFor(() => received === 20, { what: '20 deliveries' });
    expect(maxInFlight).toBeLessThanOrEqual(2);
    expect(connections).toBeLessThanOrEqual(2);
  });
});
