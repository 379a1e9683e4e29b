import { hashApiKey } from '@app/domain/api-key';
import type { PrismaService } from '../prisma.service';
import { API_KEY_CACHE_TTL_MS, ApiKeyRepository } from './api-key.repository';

/** A stub of the api_keys table: `valid` maps an unrevoked key's hash to its organization; counts the reads. */
function stubTable(valid: Map<string, string>) {
  const reads: string[][] = [];
  let gate: Promise<void> = Promise.resolve();
  const prisma = {
    apiKey: {
      findMany: async ({ where }: { where: { keyHash: { in: string[] } } }) => {
        reads.push(where.keyHash.in);
        // The rows as they are when the query runs, answered once the gate opens (a slow query).
        const rows = where.keyHash.in.filter((hash) => valid.has(hash)).map((keyHash) => ({ keyHash, organizationId: valid.get(keyHash)! }));
        await gate;
        return rows;
      },
      updateMany: async () => {
        valid.clear();
        return { count: 1 };
      },
    },
  };
  return {
    repository: new ApiKeyRepository(prisma as unknown as PrismaService),
    reads,
    /** Holds every query's answer until the returned function is called. */
    hold: () => {
      let open!: () => void;
      gate = new Promise((resolve) => (open = resolve));
      return open;
    },
  };
}

describe('ApiKeyRepository key cache', () => {
  afterEach(() => jest.restoreAllMocks());

  it('reads a valid key once, then answers from memory until the TTL ends', async () => {
    const { repository, reads } = stubTable(new Map([[hashApiKey('k1'), 'org_1']]));
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
    expect(await repository.organizationIdForKey('k1')).toBe('org_1');
    expect(await repository.organizationIdForKey('k1')).toBe('org_1');
    expect(reads).toHaveLength(1);
    now.mockReturnValue(1_000_000 + API_KEY_CACHE_TTL_MS + 1);
    expect(await repository.organizationIdForKey('k1')).toBe('org_1');
    expect(reads).toHaveLength(2);
  });

  it('never caches an unknown key: one created later works at once', async () => {
    const valid = new Map<string, string>();
    const { repository, reads } = stubTable(valid);
    expect(await repository.organizationIdForKey('k2')).toBeNull();
    valid.set(hashApiKey('k2'), 'org_2');
    expect(await repository.organizationIdForKey('k2')).toBe('org_2');
    expect(reads).toHaveLength(2);
  });

  it('refuses a key from the first lookup after its revocation returns', async () => {
    const { repository } = stubTable(new Map([[hashApiKey('k3'), 'org_3']]));
    expect(await repository.organizationIdForKey('k3')).toBe('org_3');
    expect(await repository.revoke('org_3', 'key_3')).toBe(true);
    expect(await repository.organizationIdForKey('k3')).toBeNull();
  });

  it('does not cache what a lookup read before a revocation that ended while it was in flight', async () => {
    const { repository, hold } = stubTable(new Map([[hashApiKey('k4'), 'org_4']]));
    const open = hold();
    const inFlight = repository.organizationIdForKey('k4');
    // Let the batch's query start (it reads the key as valid), then revoke while it waits.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await repository.revoke('org_4', 'key_4');
    open();
    expect(await inFlight).toBe('org_4');
    expect(await repository.organizationIdForKey('k4')).toBeNull();
  });
});
