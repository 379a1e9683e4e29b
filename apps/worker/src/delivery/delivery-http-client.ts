import * as http from 'node:http';
import * as https from 'node:https';
import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { HOOKLINE_CONFIG, type HooklineConfig } from '@app/config';
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

  constructor(
    @Inject(HOOKLINE_CONFIG) config: HooklineConfig,
    private readonly agents: HttpAgents,
  ) {
    this.timeoutMs = config.requestTimeoutMs;
  }

  post(url: string, body: string, headers: Record<string, string>): Promise<HttpAttemptResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const failed = (error: unknown, timedOut = false): HttpAttemptResult => ({ status: null, body: null, durationMs: elapsed(), error: describeError(error, timedOut, this.timeoutMs) });
    let target: URL;
    try {
      target = new URL(url);
    } catch (error) {
      return Promise.resolve(failed(error));
    }
    const transport = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : undefined;
    if (!transport) return Promise.resolve(failed(new PermanentDeliveryError(`unsupported URL scheme ${target.protocol}`)));
    const agent = transport === https ? this.agents.https : this.agents.http;

    return new Promise<HttpAttemptResult>((resolve) => {
      let settled = false;
      let timedOut = false;
      let response: http.IncomingMessage | undefined;
      let deadline: NodeJS.Timeout | undefined;
      const finish = (result: HttpAttemptResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve(result);
      };
      let request: http.ClientRequest;
      try {
        const payload = Buffer.from(body);
        request = transport.request(target, { method: 'POST', agent, headers: { ...headers, 'Content-Length': String(payload.length) } });
        request.end(payload);
      } catch (error) {
        // e.g. a header value node refuses
        finish(failed(error));
        return;
      }
      // One deadline for connecting, sending, waiting and reading: a trickling receiver cannot hold a worker slot.
      deadline = setTimeout(() => {
        timedOut = true;
        const timeout = new AttemptTimeout();
        response?.destroy(timeout);
        request.destroy(timeout);
      }, this.timeoutMs);
      request.on('error', (error) => {
        if (!response) finish(failed(error, timedOut));
      });
      request.on('response', (answer) => {
        response = answer;
        const result: HttpAttemptResult = {
          status: answer.statusCode ?? null,
          retryAfter: headerValue(answer.headers['retry-after']),
          location: headerValue(answer.headers.location),
          body: null,
          durationMs: 0,
          error: null,
        };
        readExcerpt(answer).then(
          (excerpt) => {
            result.body = excerpt;
          },
          (error: unknown) => {
            result.error = { message: `response interrupted: ${describeError(error, timedOut, this.timeoutMs).message}`, permanent: false };
          },
        ).finally(() => {
          // A response read to its end leaves the socket to the agent for the next request.
          if (!answer.complete) answer.destroy();
          result.durationMs = elapsed();
          finish(result);
        });
      });
    });
  }
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
  return Buffer.concat(kept).toString('utf8').replace(/\u0000/g, '\uFFFD');
}

/** A PermanentDeliveryError (or any error flagged `permanent`, e.g. BlockedAddressError) in the chain net wraps it in. */
function findPermanent(error: unknown): Error | undefined {
  return findInErrorChain(error, (candidate) => candidate instanceof PermanentDeliveryError || (candidate as { permanent?: unknown }).permanent === true);
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
  const cause = (error as { cause?: unknown }).cause;
  const code = String((error as { code?: unknown }).code ?? (cause as { code?: unknown })?.code ?? '');
  const message = error instanceof Error ? error.message : String(error);
  if (code in NETWORK_ERRORS) return { message: NETWORK_ERRORS[code], permanent: false };
  if (/socket hang up/i.test(message)) return { message: 'connection closed by the receiver before it answered', permanent: false };
  if (code === 'ERR_INVALID_URL' || code === 'ERR_BAD_OPTION_VALUE' || /invalid url/i.test(message)) return { message: 'invalid target URL', permanent: true };
  if (/CERT|TLS|SSL/.test(code)) return { message: `TLS error (${code})`, permanent: false };
  if (code.startsWith('HPE_')) return { message: `invalid HTTP response (${code})`, permanent: false };
  return { message: code ? `request failed (${code}): ${message}` : `request failed: ${message}`, permanent: false };
}
