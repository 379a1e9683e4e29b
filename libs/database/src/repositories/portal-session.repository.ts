import { Injectable } from '@nestjs/common';
import type { PortalSession } from '@app/generated/prisma/client';
import { PrismaService } from '../prisma.service';

export type PortalSessionCreateInput = Pick<PortalSession, 'id' | 'organizationId' | 'tenant' | 'tokenHash' | 'readOnly' | 'expiresAt'>;

/** Portal sessions; tokens are looked up by their SHA-256 only. */
@Injectable()
export class PortalSessionRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(input: PortalSessionCreateInput): Promise<PortalSession> {
    return this.prisma.portalSession.create({ data: input });
  }

  /**
   * The unrevoked session of a token hash, expired or not (the caller tells expired from unknown).
   * Read at every request, never cached, so a revocation holds from the next request on.
   */
  async findUnrevokedByTokenHash(tokenHash: string): Promise<PortalSession | null> {
    return this.prisma.portalSession.findFirst({ where: { tokenHash, revokedAt: null } });
  }

  /** False when the session does not exist, is another organization's or was revoked already. */
  async revoke(organizationId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.portalSession.updateMany({
      where: { id, organizationId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    return count > 0;
  }
}
