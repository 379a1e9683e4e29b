import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { Duplex } from 'node:stream';
import { isPublicAddress } from '@app/domain/address-policy';
import { findInErrorChain } from './error-chain';

/**
 * The SSRF guard at delivery time. The API refuses private IP literals and `localhost` when a
 * subscription is saved, but a public name can resolve to a private address later (DNS
 * rebinding). So the agents check the address the socket is about to connect to: inside the
 * lookup for names, and in createConnection for IP literals (net skips the lookup for those).
 */

export const BLOCKED_ADDRESS_CODE = 'ERR_HOOKLINE_BLOCKED_ADDRESS';

export class BlockedAddressError extends Error {
  readonly code = BLOCKED_ADDRESS_CODE;
  /** Retrying cannot make the target public: the worker records the attempt as a permanent failure. */
  readonly permanent = true;

  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(host === address ? `blocked: ${host} is a private address` : `blocked: ${host} resolves to a private address (${address})`);
    this.name = 'BlockedAddressError';
  }
}

/**
 * True when the error (or one it wraps: fetch and other clients keep the socket error as `cause`) comes
 * from the guard. Such an attempt is a permanent failure: retrying cannot make the target public.
 */
export function isBlockedAddressError(err: unknown): boolean {
  return findInErrorChain(err, (candidate) => (candidate as { code?: unknown }).code === BLOCKED_ADDRESS_CODE) !== undefined;
}

/**
 * Wraps a resolver so that a name resolving to any non-public address fails with a
 * BlockedAddressError. Handles both answer shapes: one address, and `all: true` (which net uses
 * for Happy Eyeballs / autoSelectFamily); a mixed answer is refused as a whole.
 */
export function guardLookup(resolve: LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, options, (err, answer, family) => {
      if (err) return callback(err, answer, family);
      const addresses = Array.isArray(answer) ? answer.map((entry: LookupAddress) => entry.address) : [answer];
      const blocked = addresses.find((address) => !isPublicAddress(address));
      if (blocked !== undefined) return callback(new BlockedAddressError(hostname, blocked), options.all ? [] : '');
      callback(null, answer, family);
    });
  };
}

export interface DeliveryAgentOptions extends Omit<https.AgentOptions, 'lookup'> {
  /** ALLOW_PRIVATE_URLS: turns the guard off (tests, local use). */
  allowPrivate: boolean;
  /** The resolver checked by the guard; dns.lookup unless a test injects one. */
  lookup?: LookupFunction;
}

export interface DeliveryAgents {
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
}

/** Keep-alive agents for delivery requests, guarded against private targets unless allowPrivate. */
export function createDeliveryAgents(options: DeliveryAgentOptions): DeliveryAgents {
  const { allowPrivate, lookup, ...agentOptions } = options;
  const common = { keepAlive: true, ...agentOptions };
  if (allowPrivate) {
    const resolver = lookup ? { lookup } : {};
    return { httpAgent: new http.Agent({ ...common, ...resolver }), httpsAgent: new https.Agent({ ...common, ...resolver }) };
  }
  // Agent options override request options when the socket is created, so a request cannot
  // bring its own unguarded lookup.
  const guarded = { ...common, lookup: guardLookup(lookup ?? dnsLookup) };
  return { httpAgent: new GuardedHttpAgent(guarded), httpsAgent: new GuardedHttpsAgent(guarded) };
}

type ConnectCallback = (err: Error | null, stream: Duplex) => void;

/** The guard's answer for an IP-literal host, which never goes through lookup; null for names. */
function refuseLiteralHost(options: { host?: string | null; hostname?: string | null }): BlockedAddressError | null {
  const host = (options.host ?? options.hostname ?? '').replace(/^\[(.*)\]$/, '$1');
  return isIP(host) !== 0 && !isPublicAddress(host) ? new BlockedAddressError(host, host) : null;
}

/** Reports the refusal the way the agent expects a failed connection: through the callback. */
function refuseConnection(error: Error, callback: ConnectCallback | undefined): undefined {
  if (!callback) throw error;
  process.nextTick(callback, error);
  return undefined;
}

class GuardedHttpAgent extends http.Agent {
  override createConnection(options: http.ClientRequestArgs, callback?: ConnectCallback): Duplex | null | undefined {
    const refusal = refuseLiteralHost(options);
    return refusal ? refuseConnection(refusal, callback) : super.createConnection(options, callback);
  }
}

class GuardedHttpsAgent extends https.Agent {
  override createConnection(options: https.RequestOptions, callback?: ConnectCallback): Duplex | null | undefined {
    const refusal = refuseLiteralHost(options);
    return refusal ? refuseConnection(refusal, callback) : super.createConnection(options, callback);
  }
}
