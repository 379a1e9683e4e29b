import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorBody } from './http-exception.filter';

/**
 * Fastify's router refuses some requests before Nest sees them (so before the exception filter):
 * a path with malformed percent-encoding (400) and a path parameter over maxParamLength (414).
 * Passed as the adapter's `frameworkErrors`, this answers them in our {error, message} shape.
 */
export function answerFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode ?? 400;
  let body: ErrorBody;
  if (status === 414) body = { error: 'uri_too_long', message: 'A path segment of the request is too long.' };
  else if (status < 500) body = { error: 'validation_failed', message: 'The request path is not a valid URL (malformed percent-encoding).' };
  else body = { error: 'internal_error', message: 'Something went wrong on our side while routing the request.' };
  void reply.status(status).send(body);
}
