import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PortalSessionRepository } from '@app/database/repositories/portal-session.repository';
import { DomainError } from '@app/domain/errors';
import { ApiKeyRepository } from '@app/database/repositories/api-key.repository';
import { hashPortalToken } from '@app/domain/api-key';
import { credentialFrom } from './credentials';
import { PORTAL_ACCESS, portalAccessError, type PortalAccess } from './portal-access';
import { isPortalToken } from './portal-token';
import type { AuthenticatedRequest, RequestPrincipal } from './request-principal';

/**
 * Authenticates `Authorization: Bearer|Token <credential>`: an organization API key, or a portal
 * session token (hps_…) narrowed to its tenant, and puts the resulting RequestPrincipal on the
 * request. An X-Org-Id header must name the credential's organization. Which routes a portal token
 * may call is decided here too (portal-access.ts), from the routes' @AllowPortal marks.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly apiKeys: ApiKeyRepository,
    private readonly portalSessions: PortalSessionRepository,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const credential = credentialFrom(request.headers.authorization);
    if (!credential) throw new DomainError('unauthorized', 'Send an API key as "Authorization: Bearer <key>".');
    const principal = isPortalToken(credential) ? await this.portalPrincipal(credential) : await this.apiKeyPrincipal(credential);
    const orgHeader = request.headers['x-org-id'];
    if (orgHeader !== undefined && orgHeader !== principal.organizationId) {
      throw new DomainError('forbidden', 'X-Org-Id does not match the organization of the credential.');
    }
    const access = this.reflector.getAllAndOverride<PortalAccess | undefined>(PORTAL_ACCESS, [context.getHandler(), context.getClass()]);
    const refused = portalAccessError(principal, access, request);
    if (refused) throw refused;
    request.principal = principal;
    return true;
  }

  private async apiKeyPrincipal(key: string): Promise<RequestPrincipal> {
    const organizationId = await this.apiKeys.organizationIdForKey(key);
    if (!organizationId) throw new DomainError('unauthorized', 'The API key is invalid or revoked.');
    return { organizationId, readOnly: false };
  }

  private async portalPrincipal(token: string): Promise<RequestPrincipal> {
    const session = await this.portalSessions.findUnrevokedByTokenHash(hashPortalToken(token));
    if (!session) throw new DomainError('unauthorized', 'The portal session token is invalid or revoked.');
    if (session.expiresAt.getTime() <= Date.now()) {
      throw new DomainError('token_expired', 'The portal session has expired; ask for a new portal link.');
    }
    return { organizationId: session.organizationId, tenant: session.tenant, readOnly: session.readOnly };
  }
}
