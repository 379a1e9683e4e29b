import Redis from 'ioredis';
import { dropFileDatabases, templateDatabaseUrl } from './support/test-databases';
import { testRunPrefix } from './support/test-run';

/** Deletes the BullMQ keys this run left in the shared Redis (each test file had its own prefix). */
async function deleteRunKeys(): Promise<void> {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${testRunPrefix()}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Removes what this run left: Redis keys, and the databases of files that could not drop theirs. */
export default async function globalTeardown(): Promise<void> {
  if (!process.env.HOOKLINE_TEST_RUN) return;
  await deleteRunKeys();
  await dropFileDatabases(templateDatabaseUrl());
}
