import { generateKeyPairSync } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signatureHeaders } from '../../../libs/domain/src/signing';
import { createMemoryReplayGuard, formatPublicKey, rawBody, readRawBody, signWebhook, webhookMiddleware, type Middleware, type WebhookRequest } from './index';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const payload = { event_id: 'evt_mw', event_type: 'order.paid', data: { total: 12.5 } };
const body = JSON.stringify(payload);
const nowSeconds = () => Math.floor(Date.now() / 1000);

type Handler = (req: WebhookRequest, res: ServerResponse) => void;

interface TestServer {
  url: string;
  close(): Promise<void>;
}

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A real node:http server on 127.0.0.1 running the middlewares in order, Express-style; next(error) answers 500. */
async function serve(middlewares: Middleware<WebhookRequest>[], handler: Handler): Promise<string> {
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const run = (index: number) => (error?: unknown) => {
      if (error) {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'internal', message: String((error as Error).message) }));
        return;
      }
      const middleware = middlewares[index];
      if (middleware) middleware(req, res, run(index + 1));
      else handler(req, res);
    };
    run(0)();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  servers.push({
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return url;
}

const echoWebhook: Handler = (req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ webhook: req.webhook }));
};

const echoRawBody: Handler = (req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ hex: req.rawBody?.toString('hex') ?? null }));
};

async function post(url: string, content: string | Buffer, headers: Record<string, string>) {
  const response = await fetch(url, { method: 'POST', body: content, headers: { 'content-type': 'application/json', ...headers } });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

function hooklineHeaders(timestampSeconds = nowSeconds(), signingSecret = secret): Record<string, string> {
  return { ...signatureHeaders({ scheme: 'hmac', secret: signingSecret }, 'evt_mw', timestampSeconds, body) };
}

/** Sends a body in chunks without Content-Length (chunked), as a streaming client would. */
function postChunked(url: string, chunks: Buffer[]): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown> }));
      res.on('error', reject);
    });
    // The server may close the connection after answering 413 before every chunk is written.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('webhookMiddleware on a node:http server', () => {
  it('verifies what Hookline sends and sets req.webhook', async () => {
    const url = await serve([webhookMiddleware(secret)], echoWebhook);
    expect(await post(url, body, hooklineHeaders())).toEqual({ status: 200, json: { webhook: payload } });
  });

  it('answers 401 invalid_signature to a tampered body and to a wrong secret', async () => {
    const url = await serve([webhookMiddleware(secret)], echoWebhook);
    const tampered = await post(url, body.replace('12.5', '1250'), hooklineHeaders());
    expect(tampered).toEqual({ status: 401, json: { error: 'invalid_signature', message: 'No webhook signature matches.' } });
    const wrongSecret = await post(url, body, hooklineHeaders(nowSeconds(), 'whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCE='));
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.json.error).toBe('invalid_signature');
  });

  it('answers 400 missing_headers without signature headers', async () => {
    const url = await serve([webhookMiddleware(secret)], echoWebhook);
    const response = await post(url, body, {});
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({
      error: 'missing_headers',
      details: { missing: expect.arrayContaining(['webhook-signature', 'X-Webhook-Signature']) },
    });
  });

  it('answers 401 timestamp_out_of_tolerance to a stale delivery', async () => {
    const url = await serve([webhookMiddleware(secret, { toleranceSeconds: 60 })], echoWebhook);
    const response = await post(url, body, hooklineHeaders(nowSeconds() - 3600));
    expect(response.status).toBe(401);
    expect(response.json).toMatchObject({ error: 'timestamp_out_of_tolerance', details: { tolerance_seconds: 60 } });
  });

  it('answers 401 replayed_webhook to the same request sent twice', async () => {
    const url = await serve([webhookMiddleware(secret, { replayGuard: createMemoryReplayGuard() })], echoWebhook);
    const headers = hooklineHeaders();
    expect((await post(url, body, headers)).status).toBe(200);
    expect(await post(url, body, headers)).toMatchObject({ status: 401, json: { error: 'replayed_webhook', details: { webhook_id: 'evt_mw' } } });
  });

  it('answers 400 invalid_payload to a correctly signed body that is not JSON', async () => {
    const url = await serve([webhookMiddleware(secret)], echoWebhook);
    const text = 'plain text';
    const response = await post(url, text, { ...signatureHeaders({ scheme: 'hmac', secret }, 'evt_txt', nowSeconds(), text) });
    expect(response).toMatchObject({ status: 400, json: { error: 'invalid_payload' } });
  });

  it('accepts the channel token header under its configured name', async () => {
    const token = 'whk_Zk3mXq9v0aBcDeFg';
    const url = await serve([webhookMiddleware(token, { tokenHeader: 'X-Hook-Token' })], echoWebhook);
    expect(await post(url, body, { 'X-Hook-Token': token })).toEqual({ status: 200, json: { webhook: payload } });
    expect((await post(url, body, { 'X-Hook-Token': 'whk_wrong' })).status).toBe(401);
  });

  it('verifies a v1a (ed25519) delivery with a whpk_ public key, and refuses a malformed key at once', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const url = await serve([webhookMiddleware(formatPublicKey(privateKey))], echoWebhook);
    const headers = signWebhook(privateKey, 'evt_mw', nowSeconds(), body);
    expect(await post(url, body, headers)).toEqual({ status: 200, json: { webhook: payload } });
    expect((await post(url, body.replace('12.5', '125'), headers)).json).toMatchObject({ error: 'invalid_signature' });
    expect(() => webhookMiddleware('whpk_dG9vIHNob3J0')).toThrow(TypeError);
  });

  it('answers 413 payload_too_large above the limit, declared or streamed', async () => {
    const url = await serve([webhookMiddleware(secret, { limitBytes: 1024 })], echoWebhook);
    const declared = await post(url, 'x'.repeat(2048), hooklineHeaders());
    expect(declared).toMatchObject({ status: 413, json: { error: 'payload_too_large', details: { limit_bytes: 1024 } } });
    const streamed = await postChunked(url, [Buffer.alloc(700, 'a'), Buffer.alloc(700, 'b')]);
    expect(streamed).toMatchObject({ status: 413, json: { error: 'payload_too_large' } });
  });
});

describe('rawBody middleware', () => {
  it('captures the exact bytes, including bytes that are not UTF-8, and chunked bodies', async () => {
    const url = await serve([rawBody()], echoRawBody);
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0xc3, 0x28, 0x7d]);
    expect((await post(url, bytes, {})).json).toEqual({ hex: bytes.toString('hex') });
    expect((await postChunked(url, [Buffer.from('{"a":'), Buffer.from('1}')])).json).toEqual({ hex: Buffer.from('{"a":1}').toString('hex') });
  });

  it('keeps a req.rawBody captured earlier (Nest rawBody: true) and a Buffer req.body (express.raw)', async () => {
    const earlierCapture: Middleware<WebhookRequest> = (req, _res, next) => {
      readRawBody(req).then((bytes) => {
        req.rawBody = Buffer.concat([Buffer.from('earlier:'), bytes]);
        next();
      }, next);
    };
    expect((await post(await serve([earlierCapture, rawBody()], echoRawBody), 'abc', {})).json).toEqual({ hex: Buffer.from('earlier:abc').toString('hex') });

    const expressRaw: Middleware<WebhookRequest> = (req, _res, next) => {
      readRawBody(req).then((bytes) => {
        req.body = bytes;
        next();
      }, next);
    };
    expect((await post(await serve([expressRaw, rawBody()], echoRawBody), 'xyz', {})).json).toEqual({ hex: Buffer.from('xyz').toString('hex') });
  });

  it('lets webhookMiddleware verify a body captured by an earlier parser', async () => {
    const earlierCapture: Middleware<WebhookRequest> = (req, _res, next) => {
      readRawBody(req).then((bytes) => {
        req.rawBody = bytes;
        next();
      }, next);
    };
    const url = await serve([earlierCapture, webhookMiddleware(secret)], echoWebhook);
    expect(await post(url, body, hooklineHeaders())).toEqual({ status: 200, json: { webhook: payload } });
  });

  it('passes an error to next when another parser consumed the body without keeping the bytes', async () => {
    const jsonParserWithoutBytes: Middleware<WebhookRequest> = (req, _res, next) => {
      readRawBody(req).then((bytes) => {
        req.body = JSON.parse(bytes.toString('utf8'));
        next();
      }, next);
    };
    const response = await post(await serve([jsonParserWithoutBytes, webhookMiddleware(secret)], echoWebhook), body, hooklineHeaders());
    expect(response.status).toBe(500);
    expect(response.json.message).toContain('already read by another parser');
  });
});
