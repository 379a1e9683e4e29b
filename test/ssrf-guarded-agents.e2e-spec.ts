import type { LookupAddress } from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupFunction } from 'node:net';
import {
  BLOCKED_ADDRESS_CODE,
  createDeliveryAgents,
  guardLookup,
  isBlockedAddressError,
  type DeliveryAgents,
} from '../apps/worker/src/delivery/guarded-agents';
import { DeliveryHttpClient } from '../apps/worker/src/delivery/delivery-http-client';
import type { HttpAgents } from '../apps/worker/src/delivery/http-agents';
import { testConfig } from './support/config';
import { startReceiver, type Receiver } from './support/receiver';

/** A resolver that answers a fixed address for one name, like a rebinding DNS server would. */
function fixedResolver(name: string, address: string): LookupFunction {
  return (hostname, options, callback) => {
    if (hostname !== name) return callback(Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '');
    const family = address.includes(':') ? 6 : 4;
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

/** GET through the given agents; resolves with the status code or rejects with the socket error. */
function get(url: string, agents: DeliveryAgents, extra: http.RequestOptions = {}): Promise<number> {
  const isHttps = url.startsWith('https:');
  const request = isHttps ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: isHttps ? agents.httpsAgent : agents.httpAgent, ...extra }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

async function failure(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected the request to fail');
}

function destroy(agents: DeliveryAgents): void {
  agents.httpAgent.destroy();
  agents.httpsAgent.destroy();
}

describe('SSRF guard in the delivery agents', () => {
  let receiver: Receiver;
  let port: number;
  const created: DeliveryAgents[] = [];
  const agents = (options: Parameters<typeof createDeliveryAgents>[0]) => {
    const made = createDeliveryAgents(options);
    created.push(made);
    return made;
  };

  beforeAll(async () => {
    receiver = await startReceiver();
    port = Number(new URL(receiver.url).port);
  });

  afterAll(async () => {
    created.forEach(destroy);
    await receiver.close();
  });

  describe('guard on', () => {
    it('refuses an IPv4 literal loopback target without connecting', async () => {
      const before = receiver.requests.length;
      const error = await failure(get(`http://127.0.0.1:${port}/hook`, agents({ allowPrivate: false })));
      expect(error.code).toBe(BLOCKED_ADDRESS_CODE);
      expect(error.message).toBe('blocked: 127.0.0.1 is a private address');
      expect(isBlockedAddressError(error)).toBe(true);
      expect(error).toMatchObject({ permanent: true });
      expect(receiver.requests.length).toBe(before);
    });

    it('refuses IPv6 literal targets', async () => {
      const guarded = agents({ allowPrivate: false });
      for (const host of ['[::1]', '[::ffff:127.0.0.1]', '[fd00::1]']) {
        const error = await failure(get(`http://${host}:${port}/hook`, guarded));
        expect(isBlockedAddressError(error)).toBe(true);
      }
    });

    it('refuses localhost, which resolves to loopback', async () => {
      const before = receiver.requests.length;
      const error = await failure(get(`http://localhost:${port}/hook`, agents({ allowPrivate: false })));
      expect(error.code).toBe(BLOCKED_ADDRESS_CODE);
      expect(error.message).toMatch(/^blocked: localhost resolves to a private address \((127\.0\.0\.1|::1)\)$/);
      expect(receiver.requests.length).toBe(before);
    });

    it('refuses a public-looking name that resolves to loopback (DNS rebinding), with either lookup shape', async () => {
      const guarded = agents({ allowPrivate: false, lookup: fixedResolver('rebind.test', '127.0.0.1') });
      const before = receiver.requests.length;
      // Default: net resolves all addresses (autoSelectFamily); family 4: net asks for one address.
      for (const extra of [{}, { family: 4 }]) {
        const error = await failure(get(`http://rebind.test:${port}/hook`, guarded, extra));
        expect(error.message).toBe('blocked: rebind.test resolves to a private address (127.0.0.1)');
        expect(isBlockedAddressError(error)).toBe(true);
      }
      expect(receiver.requests.length).toBe(before);
    });

    it('guards https targets the same way', async () => {
      const guarded = agents({ allowPrivate: false, lookup: fixedResolver('rebind.test', '169.254.169.254') });
      expect(isBlockedAddressError(await failure(get(`https://127.0.0.1:${port}/`, guarded)))).toBe(true);
      const error = await failure(get(`https://rebind.test:${port}/`, guarded));
      expect(error.message).toBe('blocked: rebind.test resolves to a private address (169.254.169.254)');
    });

    it('does not let a request bring its own lookup', async () => {
      const guarded = agents({ allowPrivate: false, lookup: fixedResolver('rebind.test', '127.0.0.1') });
      const own = fixedResolver('rebind.test', '127.0.0.1');
      const error = await failure(get(`http://rebind.test:${port}/hook`, guarded, { lookup: own }));
      expect(isBlockedAddressError(error)).toBe(true);
    });

    it("makes the worker's HTTP client fail the attempt permanently, for names and literals alike", async () => {
      const guarded = agents({ allowPrivate: false, lookup: fixedResolver('rebind.test', '127.0.0.1') });
      const client = new DeliveryHttpClient(testConfig(), { http: guarded.httpAgent, https: guarded.httpsAgent } as HttpAgents);
      const byName = await client.post(`http://rebind.test:${port}/hook`, '{}', {});
      expect(byName).toMatchObject({ status: null, error: { permanent: true, message: 'blocked: rebind.test resolves to a private address (127.0.0.1)' } });
      const byLiteral = await client.post(`http://127.0.0.1:${port}/hook`, '{}', {});
      expect(byLiteral).toMatchObject({ status: null, error: { permanent: true, message: 'blocked: 127.0.0.1 is a private address' } });
    });

    it('keeps the sockets alive', () => {
      const guarded = agents({ allowPrivate: false });
      expect((guarded.httpAgent as unknown as { keepAlive: boolean }).keepAlive).toBe(true);
      expect((guarded.httpsAgent as unknown as { keepAlive: boolean }).keepAlive).toBe(true);
    });
  });

  describe('guard off (ALLOW_PRIVATE_URLS=true)', () => {
    it('delivers to loopback literals, localhost and names resolving to loopback', async () => {
      const open = agents({ allowPrivate: true });
      expect(await get(`http://127.0.0.1:${port}/literal`, open)).toBe(200);
      expect(await get(`http://localhost:${port}/name`, open)).toBe(200);
      const rebinding = agents({ allowPrivate: true, lookup: fixedResolver('rebind.test', '127.0.0.1') });
      expect(await get(`http://rebind.test:${port}/rebind`, rebinding)).toBe(200);
      expect(receiver.requests.map((request) => request.path)).toEqual(expect.arrayContaining(['/literal', '/name', '/rebind']));
    });

    it('lets an https request reach the socket (the TLS handshake then fails on a plain server)', async () => {
      const error = await failure(get(`https://127.0.0.1:${port}/`, agents({ allowPrivate: true })));
      expect(isBlockedAddressError(error)).toBe(false);
    });
  });
});

describe('guardLookup', () => {
  const answer = (lookup: LookupFunction, all: boolean) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }>((resolve) =>
      lookup('example.test', { all }, (err, address, family) => resolve({ err, address, family })),
    );
  const resolverOf =
    (addresses: LookupAddress[]): LookupFunction =>
    (_hostname, options, callback) =>
      options.all ? callback(null, addresses) : callback(null, addresses[0].address, addresses[0].family);

  it('passes public answers through unchanged, in both shapes', async () => {
    const addresses = [
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 },
    ];
    expect(await answer(guardLookup(resolverOf(addresses)), true)).toEqual({ err: null, address: addresses, family: undefined });
    expect(await answer(guardLookup(resolverOf(addresses)), false)).toEqual({ err: null, address: '93.184.216.34', family: 4 });
  });

  it('refuses a mixed answer as a whole', async () => {
    const mixed = guardLookup(
      resolverOf([
        { address: '93.184.216.34', family: 4 },
        { address: '10.0.0.7', family: 4 },
      ]),
    );
    const { err } = await answer(mixed, true);
    expect(err?.message).toBe('blocked: example.test resolves to a private address (10.0.0.7)');
  });

  it('passes resolver errors through untouched', async () => {
    const { err } = await answer(guardLookup(fixedResolver('other.test', '8.8.8.8')), false);
    expect(err?.code).toBe('ENOTFOUND');
    expect(isBlockedAddressError(err)).toBe(false);
  });
});

describe('isBlockedAddressError', () => {
  it('finds the guard error wrapped by HTTP clients', async () => {
    const blocked = await new Promise<Error>((resolve) => guardLookup(fixedResolver('rebind.test', '127.0.0.1'))('rebind.test', {}, (err) => resolve(err!)));
    expect(isBlockedAddressError(blocked)).toBe(true);
    expect(isBlockedAddressError(new TypeError('fetch failed', { cause: blocked }))).toBe(true);
    expect(isBlockedAddressError(new AggregateError([new Error('x'), blocked]))).toBe(true);
    expect(isBlockedAddressError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isBlockedAddressError(undefined)).toBe(false);
    expect(isBlockedAddressError('blocked')).toBe(false);
  });
});
