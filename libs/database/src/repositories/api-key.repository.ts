import { Injectable } from '@nestjs/common';
import { newId } from '@app/domain/ids';
import { MicroBatcher } from '@app/domain/micro-batcher';
import { hashApiKey } from '@app/domain/api-key';
import { PrismaService } from '../prisma.service';

/**
 * How long a process trusts that a key it found is valid before reading it again. A revocation made
 * through this process (DELETE /v1/orgs/:id/api-keys/:key_id) takes effect here at once; on other api
 * replicas the key is refused at most this long after the revocation. Reading the key at every request
 * cost one query per ~1 ms batch of requests and a millisecond of waiting for the batch to fill.
 */
export const API_KEY_CACHE_TTL_MS = 5000;
/** Bounds the cache's memory; the oldest entry goes first and is simply read again. */
const MAX_CACHED_KEYS = 10_000;
/**
 * Concurrent cache misses share one key lookup (one query for the keys of up to this many requests
 * arriving within a millisecond).
 */
const LOOKUP_WAIT_MS = 1;
const LOOKUP_MAX_KEYS = 256;

interface KnownKey {
  organizationId: string;
  expiresAt: number;
}

@Injectable()
export class ApiKeyRepository {
  private readonly lookups = new MicroBatcher<string, string | null>((hashes) => this.organizationIdsForHashes(hashes), {
    maxItems: LOOKUP_MAX_KEYS,
    maxWaitMs: LOOKUP_WAIT_MS,
  });
  /** Valid keys by hash. Unknown and revoked keys are never cached: a new key works at once. */
  private readonly known = new Map<string, KnownKey>();
  /** Bumped by every revocation: a lookup that began before it must not cache what it read. */
  private revocations = 0;

  constructor(private readonly prisma: PrismaService) {}

  /** The organization owning an unrevoked key, or null. */
  async organizationIdForKey(key: string): Promise<string | null> {
    const hash = hashApiKey(key);
    const cached = this.known.get(hash);
    if (cached && cached.expiresAt > Date.now()) return cached.organizationId;
    const revocationsBefore = this.revocations;
    const organizationId = await this.lookups.add(hash);
    if (organizationId && revocationsBefore === this.revocations) this.remember(hash, organizationId);
    else if (!organizationId) this.known.delete(hash);
    return organizationId;
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

  /**
   * Returns false when the key does not exist or belongs to another organization. Once it returns,
   * this process refuses the key (its cache is emptied, and lookups still in flight do not refill it).
   */
  async revoke(organizationId: string, keyId: string): Promise<boolean> {
    const { count } = await this.prisma.apiKey.updateMany({
      where: { id: keyId, organizationId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    // Only the key's id is known here, the cache holds hashes: revocations are rare, start afresh.
    this.revocations++;
    this.known.clear();
    return count > 0;
  }

  private remember(hash: string, organizationId: string): void {
    this.known.delete(hash);
    if (this.known.size >= MAX_CACHED_KEYS) this.known.delete(this.known.keys().next().value!);
    this.known.set(hash, { organizationId, expiresAt: Date.now() + API_KEY_CACHE_TTL_MS });
  }
}
