import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AccessScope } from '@app/domain/access-scope';

/**
 * Who is calling, as ApiKeyGuard resolved it: an organization API key (organization-wide, read-write)
 * or a portal session token (narrowed to `tenant`, maybe read-only). Services receive it as the
 * AccessScope their queries filter on.
 */
export interface RequestPrincipal extends AccessScope {
  readOnly: boolean;
  /** Set for a portal session token: the session it belongs to. */
  portalSession?: { id: string; expiresAt: Date };
}

export type AuthenticatedRequest = FastifyRequest & { principal?: RequestPrincipal };

const principalOf = (context: ExecutionContext): RequestPrincipal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('No principal on the request: the route lacks @UseGuards(ApiKeyGuard)');
  return principal;
};

/** The caller as ApiKeyGuard resolved it. */
export const Caller = createParamDecorator((_: unknown, context: ExecutionContext): RequestPrincipal => principalOf(context));

/** The organization id of the caller (routes a portal token cannot reach). */
export const OrgId = createParamDecorator((_: unknown, context: ExecutionContext): string => principalOf(context).organizationId);

/** The caller's AccessScope: its organization and, for a portal token, its tenant. */
export const CallerScope = createParamDecorator((_: unknown, context: ExecutionContext): AccessScope => {
  const { organizationId, tenant } = principalOf(context);
  return tenant === undefined ? { organizationId } : { organizationId, tenant };
});
