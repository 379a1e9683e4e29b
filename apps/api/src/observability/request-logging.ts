import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/** Probes and scrapes come every few seconds: their lines are kept for LOG_LEVEL=debug. */
const QUIET_PATHS = /^\/(health\/|metrics)/;

/**
 * Fastify's per-request log lines, reduced to one per request once answered: method, path (no
 * query string), status and duration, with Fastify's request id. Headers and bodies are never logged.
 */
export class RequestLogging extends LogController {
  override incomingRequest(): void {
    // One line per request, written when it is answered.
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const path = request.url.split('?', 1)[0];
    const fields = { method: request.method, path, status: reply.statusCode, duration_ms: Math.round(reply.elapsedTime * 10) / 10 };
    if (error) reply.log.error({ ...fields, err: error }, 'request errored');
    else if (QUIET_PATHS.test(path)) reply.log.debug(fields, 'request completed');
    else reply.log.info(fields, 'request completed');
  }
}
