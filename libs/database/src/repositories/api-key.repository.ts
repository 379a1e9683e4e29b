import { Injectable } from '@nestjs/common';
import { newId } from '@app/domain/ids';
import { MicroBatcher } from '@app/domain/micro-batcher';
import { hashApiKey } from '@app/domain/api-key';
import { PrismaService } from '../prisma.service';

/**
 * Concurrent requests share one key lookup (one query for the keys of up to this many requests
 * arriving within a millisecond). Nothing is cached: every request reads PostgreSQL after it
 * arrived, so a revoked key is refused at once, on every replica.
 */
const LOOKUP_WAIT_MS = 1;
const LOOKUP_MAX_KEYS = 256;

@Injectable()
export class ApiKeyRepository {
  private readonly lookups = new MicroBatcher<string, string | null>((hashes) => this.organizationIdsForHashes(hashes), {
    maxItems: LOOKUP_MAX_KEYS,
    maxWaitMs: LOOKUP_WAIT_MS,
  });

  constructor(private readonly prisma: PrismaService) {}

  /** The organization owning an unrevoked key, or null. */
  async organizationIdForKey(key: string): Promise<string | null> {
    return this.lookups.add(hashApiKey(key));
  }

  private async organizationIdsForHashes(hashes: string[]): Promise<(string | null)[]> {
    const rows = await this.prisma.apiKey.findMany({
      where: { keyHash: { in: [...new Set(hashes)] }, revokedAt: null },
      select: { keyHash: true, organizationId: true },
    });
    const organizationByHash = new Map(rows.map((row) => [row.keyHash, row.organizationId]));
    return hashes.map((hash) => organizationByHash.get(hash) ?? null);
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
