import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '@app/config';
import { DeliveryHttpClient } from './delivery-http-client';
import { HttpAgents } from './http-agents';

describe('DeliveryHttpClient', () => {
  const config = { ...loadConfig({ ALLOW_PRIVATE_URLS: 'true', ALLOW_HTTP_URLS: 'true' }), requestTimeoutMs: 500 };
  let server: Server;
  let url: string;
  let agents: HttpAgents;
  let client: DeliveryHttpClient;

  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(201, { 'Retry-After': '7' }).end('created'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    agents = new HttpAgents(config);
    client = new DeliveryHttpClient(config, agents);
  });

  afterAll(async () => {
    agents.onApplicationShutdown();
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers the status, Retry-After and the body excerpt', async () => {
    await expect(client.post(url, '{}', { 'Content-Type': 'application/json' })).resolves.toMatchObject({
      status: 201,
      retryAfter: '7',
      body: 'created',
      error: null,
    });
  });

  it('turns a header value node refuses into a failed attempt instead of throwing', async () => {
    const result = await client.post(url, '{}', { 'X-Custom': 'line\nbreak' });
    expect(result).toMatchObject({ status: null, body: null, error: { permanent: false } });
    expect(result.error?.message).toMatch(/ERR_INVALID_CHAR/);
  });

  it('refuses a URL scheme other than http and https for good', async () => {
    await expect(client.post('ftp://127.0.0.1/hook', '{}', {})).resolves.toMatchObject({
      status: null,
      error: { permanent: true, message: 'unsupported URL scheme ftp:' },
    });
  });
});
