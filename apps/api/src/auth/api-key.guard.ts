import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '@app/domain/errors';
import { credentialFrom } from './credentials';
import { PORTAL_ACCESS, portalAccessError, type PortalAccess } from './portal-access';
import { PrincipalResolver } from './principal-resolver';
import type { AuthenticatedRequest } from './request-principal';

/**
 * Authenticates `Authorization: Bearer|Token <credential>` (an organization API key or a portal
 * session token, see PrincipalResolver) and puts the RequestPrincipal on the request. An X-Org-Id
 * header must name the credential's organization. Which routes a portal token may call is decided
 * here too, from the routes' @AllowPortal marks (portal-access.ts).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly principals: PrincipalResolver,
    private readonly reflector: Reflector,
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
    return true;
  }
}
