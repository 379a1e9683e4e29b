import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { HOOKLINE_CONFIG, type HooklineConfig } from '@app/config';
import { DomainError } from '@app/domain/errors';
import { credentialFrom, secretsEqual } from './credentials';
import { portalAccessError } from './portal-access';
import { PrincipalResolver } from './principal-resolver';
import { isPortalToken } from './portal-token';

/** Guards operator endpoints with `Authorization: Bearer <ADMIN_TOKEN>`; without ADMIN_TOKEN they are closed. */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(
    @Inject(HOOKLINE_CONFIG) private readonly config: HooklineConfig,
    private readonly principals: PrincipalResolver,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const token = credentialFrom(request.headers.authorization);
    if (this.config.adminToken && token && secretsEqual(token, this.config.adminToken)) return true;
    // A valid portal token is refused like on every route not open to it (403), not taken for a wrong admin token.
    if (token && isPortalToken(token)) {
      const refused = portalAccessError(await this.principals.resolve(token), undefined, request);
      if (refused) throw refused;
    }
    throw new DomainError('unauthorized', 'This endpoint needs "Authorization: Bearer <ADMIN_TOKEN>".');
  }
}
