import * as http from 'node:http';
import * as https from 'node:https';
import type { Readable } from 'node:stream';
import { urlToHttpOptions } from 'node:url';
import { Inject, Injectable } from '@nestjs/common';
import { HOOKLINE_CONFIG, type HooklineConfig } from '@app/config';
import { LruCache } from '@app/domain/lru-cache';
import { findInErrorChain } from './error-chain';
import { HttpAgents } from './http-agents';

/** At most this much of a response is read; the rest is never downloaded. */
export const MAX_RESPONSE_READ_BYTES = 64 * 1024;
/** At most this much of a response body is stored with the attempt. */
export const MAX_STORED_BODY_BYTES = 4 * 1024;

/**
 * A failure that retrying cannot fix (e.g. a target address refused by the SSRF guard). Thrown from
 * anywhere in the request path (an agent's lookup included), it makes the attempt fail without retries.
 */
export class PermanentDeliveryError extends Error {
  readonly permanent = true;
}

export interface HttpAttemptResult {
  /** The response status, or null when no response arrived. */
  status: number | null;
  /** Retry-After and Location response headers, when sent. */
  retryAfter?: string;
  location?: string;
  /** Up to 4 KiB of the response body. */
  body: string | null;
  durationMs: number;
  /** Why no (complete) response arrived, in words fit for the log. */
  error: { message: string; permanent: boolean } | null;
}

class AttemptTimeout extends Error {}

/** A parsed target URL: the transport of its scheme and the request options without headers. */
interface RequestTarget {
  transport: typeof http | typeof https;
  options: http.RequestOptions;
}

/** Parsed target URLs kept per worker (a subscription's URL is sent to again and again). */
const MAX_CACHED_TARGETS = 10_000;

/**
 * Sends one delivery request: no redirects, an overall deadline, a bounded read of the answer.
 *
 * Built on node:http with the guarded keep-alive agents rather than axios: the worker measured axios
 * at ~10 % of its CPU (config merging and header normalisation per request, plus its garbage), and
 * raw http.request is several times faster on the same agents, which keep the SSRF guard. It never
 * follows redirects and never uses an environment proxy, by construction.
 */
@Injectable()
export class DeliveryHttpClient {
  private readonly timeoutMs: number;
  private readonly targets = new LruCache<string, RequestTarget>(MAX_CACHED_TARGETS);

  constructor(
    @Inject(HOOKLINE_CONFIG) config: HooklineConfig,
    private readonly agents: HttpAgents,
  ) {
    this.timeoutMs = config.requestTimeoutMs;
  }

  post(url: string, body: string, headers: Record<string, string>): Promise<HttpAttemptResult> {
    return new Promise<HttpAttemptResult>((resolve) => {
      const attempt = new InFlightAttempt(this.timeoutMs, resolve);
      let request: http.ClientRequest;
      try {
        request = this.send(url, body, headers);
      } catch (error) {
        // e.g. an unparsable URL, a scheme other than http(s), a header value node refuses
        attempt.fail(error);
        return;
      }
      attempt.watch(request);
    });
  }

  /** Starts the POST on the guarded keep-alive agent of the URL's scheme; throws what node refuses. */
  private send(url: string, body: string, headers: Record<string, string>): http.ClientRequest {
    const { transport, options } = this.targets.getOrCreate(url, () => this.parseTarget(url));
    const payload = Buffer.from(body);
    const request = transport.request({ ...options, headers: { ...headers, 'Content-Length': String(payload.length) } });
    request.end(payload);
    return request;
  }

  /** Parsing a URL cost about as much as signing the request, so it is done once per URL. */
  private parseTarget(url: string): RequestTarget {
    const target = new URL(url);
    const transport = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : undefined;
    if (!transport) throw new PermanentDeliveryError(`unsupported URL scheme ${target.protocol}`);
    const agent = transport === https ? this.agents.https : this.agents.http;
    return { transport, options: { ...urlToHttpOptions(target), method: 'POST', agent } };
  }
}

/**
 * One request in flight and the one result it settles with. One deadline covers connecting,
 * sending, waiting and reading, so a trickling receiver cannot hold a worker slot. A class rather
 * than closures: its state is in one place, and the hot path allocates one object per request.
 */
class InFlightAttempt {
  private readonly started = performance.now();
  private request: http.ClientRequest | undefined;
  private response: http.IncomingMessage | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private timedOut = false;
  private settled = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly resolve: (result: HttpAttemptResult) => void,
  ) {}

  /** Follows a sent request to its result: a read response, or the error that came instead. */
  watch(request: http.ClientRequest): void {
    this.request = request;
    this.deadline = setTimeout(expire, this.timeoutMs, this);
    // After a response, an error is the response's: readResponse reports it.
    request.on('error', (error) => {
      if (this.response === undefined) this.fail(error);
    });
    request.on('response', (response) => void this.readResponse(response));
  }

  /** Settles as an attempt that got no response. */
  fail(error: unknown): void {
    this.finish({ status: null, body: null, durationMs: 0, error: this.describe(error) });
  }

  /** Called by the deadline: ends the request and the response being read. */
  abort(): void {
    this.timedOut = true;
    const timeout = new AttemptTimeout();
    this.response?.destroy(timeout);
    this.request?.destroy(timeout);
  }

  private async readResponse(response: http.IncomingMessage): Promise<void> {
    this.response = response;
    const result: HttpAttemptResult = {
      status: response.statusCode ?? null,
      retryAfter: headerValue(response.headers['retry-after']),
      location: headerValue(response.headers.location),
      body: null,
      durationMs: 0,
      error: null,
    };
    try {
      result.body = await readExcerpt(response);
    } catch (error) {
      result.error = { message: `response interrupted: ${this.describe(error).message}`, permanent: false };
    }
    // A response read to its end leaves the socket to the agent for the next request.
    if (!response.complete) response.destroy();
    this.finish(result);
  }

  private describe(error: unknown): { message: string; permanent: boolean } {
    return describeError(error, this.timedOut, this.timeoutMs);
  }

  private finish(result: HttpAttemptResult): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.deadline);
    result.durationMs = Math.round(performance.now() - this.started);
    this.resolve(result);
  }
}

/** The deadline's callback: a plain function given the attempt, so arming it allocates no closure. */
function expire(attempt: InFlightAttempt): void {
  attempt.abort();
}

function headerValue(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Reads up to MAX_RESPONSE_READ_BYTES, keeps the first MAX_STORED_BODY_BYTES, then drops the stream. */
async function readExcerpt(stream: Readable): Promise<string | null> {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let readBytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (keptBytes < MAX_STORED_BODY_BYTES) {
      const part = chunk.subarray(0, MAX_STORED_BODY_BYTES - keptBytes);
      kept.push(part);
      keptBytes += part.length;
    }
    readBytes += chunk.length;
    if (readBytes >= MAX_RESPONSE_READ_BYTES) break; // leaving the loop destroys the stream
  }
  if (keptBytes === 0) return null;
  // A multi-byte character cut at the limit decodes as U+FFFD; PostgreSQL text cannot hold NUL.
  return Buffer.concat(kept).toString('utf8').replaceAll('\u0000', '\uFFFD');
}

/** A PermanentDeliveryError (or any error flagged `permanent`, e.g. BlockedAddressError) in the chain net wraps it in. */
function findPermanent(error: unknown): Error | undefined {
  return findInErrorChain(error, (candidate) => candidate instanceof PermanentDeliveryError || (candidate as { permanent?: unknown }).permanent === true);
}

/** Node's error code (`ECONNREFUSED`, `HPE_...`): a string, or a number from some libraries. */
function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' || typeof code === 'number' ? String(code) : undefined;
}

const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the receiver',
  EPIPE: 'connection closed by the receiver while sending the request',
  ENOTFOUND: 'host not found (DNS)',
  EAI_AGAIN: 'DNS lookup failed (temporary)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  ECONNABORTED: 'connection aborted',
};

/** Words for the log, never the request body or headers (they carry the payload and signatures). */
export function describeError(error: unknown, timedOut: boolean, timeoutMs: number): { message: string; permanent: boolean } {
  if (timedOut || error instanceof AttemptTimeout) return { message: `timeout after ${timeoutMs} ms`, permanent: false };
  const permanent = findPermanent(error);
  if (permanent) return { message: permanent.message, permanent: true };
  const code = errorCode(error) ?? errorCode((error as { cause?: unknown }).cause) ?? '';
  const message = error instanceof Error ? error.message : String(error);
  if (code in NETWORK_ERRORS) return { message: NETWORK_ERRORS[code], permanent: false };
  if (/socket hang up/i.test(message)) return { message: 'connection closed by the receiver before it answered', permanent: false };
  if (code === 'ERR_INVALID_URL' || code === 'ERR_BAD_OPTION_VALUE' || /invalid url/i.test(message)) return { message: 'invalid target URL', permanent: true };
  if (/CERT|TLS|SSL/.test(code)) return { message: `TLS error (${code})`, permanent: false };
  if (code.startsWith('HPE_')) return { message: `invalid HTTP response (${code})`, permanent: false };
  return { message: code ? `request failed (${code}): ${message}` : `request failed: ${message}`, permanent: false };
}
