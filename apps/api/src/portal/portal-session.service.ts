import { Inject, Injectable } from '@nestjs/common';
import { HOOKLINE_CONFIG, type HooklineConfig } from '@app/config';
import { PortalSessionRepository } from '@app/database/repositories/portal-session.repository';
import { notFound } from '@app/domain/errors';
import { newId } from '@app/domain/ids';
import { hashPortalToken } from '@app/domain/api-key';
import { generatePortalToken } from '../auth/portal-token';
import type { RequestPrincipal } from '../auth/request-principal';
import { DEFAULT_PORTAL_SESSION_SECONDS, type PortalSessionCreateDto } from './portal-session.dto';
import type { PortalSessionResponseDto } from './portal-session.response';
import type { CurrentPortalSessionResponseDto } from './current-portal-session.response';

/** Portal links an organization hands to one of its customers (a tenant). */
@Injectable()
export class PortalSessionService {
  constructor(
    @Inject(HOOKLINE_CONFIG) private readonly config: HooklineConfig,
    private readonly sessions: PortalSessionRepository,
  ) {}

  async create(organizationId: string, body: PortalSessionCreateDto): Promise<PortalSessionResponseDto> {
    const token = generatePortalToken();
    const session = await this.sessions.create({
      id: newId('ps'),
      organizationId,
      tenant: body.tenant,
      tokenHash: hashPortalToken(token),
      readOnly: body.read_only ?? false,
      expiresAt: new Date(Date.now() + (body.expires_in_seconds ?? DEFAULT_PORTAL_SESSION_SECONDS) * 1000),
    });
    return {
      id: session.id,
      token,
      url: `${this.config.publicUrl}/portal#token=${token}`,
      tenant: session.tenant,
      read_only: session.readOnly,
      expires_at: session.expiresAt.toISOString(),
    };
  }

  /** The token is refused from the next request on: the guard reads the session at every request. */
  async revoke(organizationId: string, id: string): Promise<void> {
    if (!(await this.sessions.revoke(organizationId, id))) throw notFound('Portal session');
  }

  /**
   * The caller's own session, as the guard read it for this very request (so a revoked or expired
   * token never gets here). Only routes marked portalOnly call this.
   */
  describe(caller: RequestPrincipal): CurrentPortalSessionResponseDto {
    const { portalSession, tenant } = caller;
    if (!portalSession || tenant === undefined) throw new Error('describe() needs a portal principal: mark the route @AllowPortal({ portalOnly: true })');
    return { id: portalSession.id, tenant, read_only: caller.readOnly, expires_at: portalSession.expiresAt.toISOString() };
  }
}
