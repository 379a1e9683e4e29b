import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import { DomainError, type ErrorCode } from '@app/domain/errors';
import { isDatabaseUnavailable, isRejectedValue } from './database-errors';

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  validation_failed: 400,
  unauthorized: 401,
  token_expired: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  service_unavailable: 503,
};

const CODE_BY_STATUS: Record<number, string> = {
  400: 'validation_failed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'service_unavailable',
};

export interface ErrorBody {
  error: string;
  message: string;
  details?: unknown[];
}

/** Answers every error as {error, message, details?}; unexpected ones are logged with an error id. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body, headers } = this.toResponse(exception);
    for (const [name, value] of Object.entries(headers)) reply.header(name, value);
    reply.status(status).send(body);
  }

  private toResponse(exception: unknown): { status: number; body: ErrorBody; headers: Record<string, string> } {
    if (exception instanceof DomainError) {
      const body: ErrorBody = { error: exception.code, message: exception.message };
      if (exception.details) body.details = exception.details;
      return { status: STATUS_BY_CODE[exception.code], body, headers: {} };
    }
    if (exception instanceof HttpException) {
      return { status: exception.getStatus(), body: this.httpExceptionBody(exception), headers: {} };
    }
    const fastifyError = exception as { statusCode?: number; code?: string; message?: string };
    if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      // Fastify's own client errors: bad JSON, body too large, wrong content type.
      const status = fastifyError.statusCode;
      const message = status === 413 ? 'The request body is too large.' : (fastifyError.message ?? 'Bad request.');
      return { status, body: { error: CODE_BY_STATUS[status] ?? 'bad_request', message }, headers: {} };
    }
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn('PostgreSQL is unavailable; answering 503');
      return {
        status: HttpStatus.SERVICE_UNAVAILABLE,
        body: { error: 'service_unavailable', message: 'The database is unavailable; try again shortly.' },
        headers: { 'retry-after': '5' },
      };
    }
    if (isRejectedValue(exception)) {
      this.logger.warn('PostgreSQL refused a value of the request; answering 400');
      return {
        status: HttpStatus.BAD_REQUEST,
        body: { error: 'validation_failed', message: 'The request holds a value that cannot be stored.' },
        headers: {},
      };
    }
    const errorId = randomUUID();
    this.logger.error({ err: exception, error_id: errorId }, 'unhandled error');
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      body: { error: 'internal_error', message: `Something went wrong on our side (error id ${errorId}).` },
      headers: {},
    };
  }

  private httpExceptionBody(exception: HttpException): ErrorBody {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const error = CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
    if (typeof response === 'object' && response !== null && 'error' in response && 'message' in response) {
      const r = response as { error: unknown; message: unknown; details?: unknown[] };
      if (typeof r.message === 'string' && typeof r.error === 'string' && r.error === r.error.toLowerCase()) {
        return { error: r.error, message: r.message, ...(r.details ? { details: r.details } : {}) };
      }
    }
    const message = typeof response === 'string' ? response : exception.message;
    return { error, message: status === 404 && message.startsWith('Cannot ') ? 'Route not found.' : message };
  }
}
