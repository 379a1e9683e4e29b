import { Injectable } from '@nestjs/common';
import { PrismaService } from '@app/database';
import { newId } from '@app/domain/ids';
import { hashApiKey } from './api-key';

@Injectable()
export class ApiKeyRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The organization owning an unrevoked key, or null. */
  async organizationIdForKey(key: string): Promise<string | null> {
    const row = await this.prisma.apiKey.findUnique({
      where: { keyHash: hashApiKey(key) },
      select: { organizationId: true, revokedAt: true },
    });
    return row && !row.revokedAt ? row.organizationId : null;
  }

  async create(organizationId: string, key: string): Promise<string> {
    const id = newId('key');
    await this.prisma.apiKey.create({ data: { id, organizationId, keyHash: hashApiKey(key) } });
    return id;
  }

  /** Returns false when the key does not exist or belongs to another organization. */
  async revoke(organizationId: string, keyId: string): Promise<boolean> {
    const { count } = await this.prisma.apiKey.updateMany({
      where: { id: keyId, organizationId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    return count > 0;
  }
}
