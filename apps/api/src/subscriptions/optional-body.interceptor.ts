import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';

/**
 * For routes whose body fields are all optional (secret rotation): a request sent without a body
 * counts as `{}`, so `curl -X POST .../secret/rotate` works. Interceptors run before the pipes.
 */
@Injectable()
export class OptionalBodyInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (request.body === undefined) request.body = {};
    return next.handle();
  }
}
