import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { hashApiKey } from '@app/domain/api-key';
import { DomainError } from '@app/domain/errors';
import { ApiRateLimiter } from '../rate-limit/api-rate-limiter';
import { credentialFrom } from './credentials';
import { PORTAL_ACCESS, portalAccessError, type PortalAccess } from './portal-access';
import { PrincipalResolver } from './principal-resolver';
import type { AuthenticatedRequest } from './request-principal';

/**
 * Authenticates `Authorization: Bearer|Token <credential>` (an organization API key or a portal
 * session token, see PrincipalResolver) and puts the RequestPrincipal on the request. An X-Org-Id
 * header must name the credential's organization. Which routes a portal token may call is decided
 * here too, from the routes' @AllowPortal marks (portal-access.ts). Last, the request is counted
 * against API_RATE_LIMIT_PER_MINUTE of its credential (ApiRateLimiter): only requests that passed
 * every check count, and routes without this guard (admin, health, metrics, docs) are not limited.
 * Here rather than in a global interceptor: any interceptor on a route costs Nest an Observable
 * pipeline per request, ~10 % of the API's CPU per single-event intake.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly principals: PrincipalResolver,
    private readonly reflector: Reflector,
    private readonly limiter: ApiRateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const credential = credentialFrom(request.headers.authorization);
    if (!credential) throw new DomainError('unauthorized', 'Send an API key as "Authorization: Bearer <key>".');
    const principal = await this.principals.resolve(credential);
    const orgHeader = request.headers['x-org-id'];
    if (orgHeader !== undefined && orgHeader !== principal.organizationId) {
      throw new DomainError('forbidden', 'X-Org-Id does not match the organization of the API key.');
    }
    const access = this.reflector.getAllAndOverride<PortalAccess | undefined>(PORTAL_ACCESS, [context.getHandler(), context.getClass()]);
    const refused = portalAccessError(principal, access, request);
    if (refused) throw refused;
    request.principal = principal;
    if (this.limiter.perMinute > 0) await this.countRequest(credential, context.switchToHttp().getResponse<FastifyReply>());
    return true;
  }

  /** Counts the request for its credential (by hash: Redis holds no secrets); over the limit, a 429 with Retry-After. */
  private async countRequest(credential: string, reply: FastifyReply): Promise<void> {
    const decision = await this.limiter.consume(hashApiKey(credential));
    if (decision.allowed) return;
    // Set on the reply here; the exception filter sends the error body with it.
    reply.header('retry-after', String(decision.retryAfterSeconds));
    throw new DomainError(
      'rate_limited',
      `Too many requests for this API key: the limit is ${this.limiter.perMinute} per minute; retry after ${decision.retryAfterSeconds} s.`,
    );
  }
}
