import { SetMetadata } from '@nestjs/common';
import { DomainError, notFound } from '@app/domain/errors';
import type { RequestPrincipal } from './request-principal';

export const PORTAL_ACCESS = 'hookline:portal-access';

export interface PortalAccess {
  /** A path parameter naming a channel: the route is open for the tenant's own channel only (404 otherwise). */
  channelParam?: string;
  /** The route describes the portal session itself: an organization API key has none and gets 403. */
  portalOnly?: boolean;
}

/**
 * Opens a route (or every route of a controller) to portal session tokens; the services narrow
 * what they read and write to the token's tenant. Routes without it answer 403 to portal tokens.
 */
export const AllowPortal = (access: PortalAccess = {}) => SetMetadata(PORTAL_ACCESS, access);

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether a portal token may call this route, decided in this one place: routes not marked
 * @AllowPortal are forbidden, a read-only session may not write, and a channel route only serves
 * the tenant's own channel. Null when the request may go on (organization keys may, but on the
 * portalOnly routes, which have nothing to say about them).
 */
export function portalAccessError(
  principal: RequestPrincipal,
  access: PortalAccess | undefined,
  request: { method: string; params?: unknown },
): DomainError | null {
  if (principal.tenant === undefined) {
    return access?.portalOnly
      ? new DomainError('forbidden', 'Only a portal session token can use this endpoint; an organization API key has no portal session.')
      : null;
  }
  if (!access) return new DomainError('forbidden', 'A portal session token cannot use this endpoint.');
  if (principal.readOnly && !READ_METHODS.has(request.method.toUpperCase())) {
    return new DomainError('forbidden', 'This portal session is read-only.');
  }
  if (access.channelParam !== undefined) {
    const channel = (request.params as Record<string, string> | undefined)?.[access.channelParam];
    if (channel !== principal.tenant) return notFound('Channel');
  }
  return null;
}
