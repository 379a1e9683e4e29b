import { Injectable } from '@nestjs/common';
import { PortalSessionRepository } from '@app/database/repositories/portal-session.repository';
import { DomainError } from '@app/domain/errors';
import { ApiKeyRepository } from '@app/database/repositories/api-key.repository';
import { hashPortalToken } from '@app/domain/api-key';
import { isPortalToken } from './portal-token';
import type { RequestPrincipal } from './request-principal';

/**
 * Turns a bearer credential into the RequestPrincipal it stands for: an organization API key
 * (organization-wide, read-write) or a portal session token (hps_, narrowed to its tenant). Both are
 * read from PostgreSQL: a portal session at every request, so revoking it holds from the next request;
 * an API key at most every 5 s (ApiKeyRepository's cache, emptied by a revocation through this process).
 */
@Injectable()
export class PrincipalResolver {
  constructor(
    private readonly apiKeys: ApiKeyRepository,
    private readonly portalSessions: PortalSessionRepository,
  ) {}

  async resolve(credential: string): Promise<RequestPrincipal> {
    return isPortalToken(credential) ? this.portalPrincipal(credential) : this.apiKeyPrincipal(credential);
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
    return {
      organizationId: session.organizationId,
      tenant: session.tenant,
      readOnly: session.readOnly,
      portalSession: { id: session.id, expiresAt: session.expiresAt },
    };
  }
}
