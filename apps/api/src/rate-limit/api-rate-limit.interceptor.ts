import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Observable } from 'rxjs';
import { DomainError } from '@app/domain/errors';
import { hashApiKey } from '@app/domain/api-key';
import { credentialFrom } from '../auth/credentials';
import type { AuthenticatedRequest } from '../auth/request-principal';
import { ApiRateLimiter } from './api-rate-limiter';

/**
 * Applies API_RATE_LIMIT_PER_MINUTE to every request an API key (or a portal token, counted on its
 * own) authenticated. Interceptors run after the guards, so only valid credentials are counted;
 * requests ApiKeyGuard did not authenticate (admin, health, metrics, docs) carry no principal and
 * pass untouched.
 */
@Injectable()
export class ApiRateLimitInterceptor implements NestInterceptor {
  constructor(private readonly limiter: ApiRateLimiter) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const key = request.principal ? credentialFrom(request.headers.authorization) : undefined;
    if (key) {
      const decision = await this.limiter.consume(hashApiKey(key));
      if (!decision.allowed) {
        // Set on the reply here; the exception filter sends the error body with it.
        http.getResponse<FastifyReply>().header('retry-after', String(decision.retryAfterSeconds));
        throw new DomainError(
          'rate_limited',
          `Too many requests for this API key: the limit is ${this.limiter.perMinute} per minute; retry after ${decision.retryAfterSeconds} s.`,
        );
      }
    }
    return next.handle();
  }
}
