import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { migrate } from './support/database';
import { databaseName, dropDatabase, templateDatabaseUrl, withAdmin } from './support/test-databases';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Fails fast, with a hint, when Redis is not there: the queue tests would otherwise just time out. */
async function assertRedisAnswers(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  let socketError: Error | undefined; // more telling than the "Connection is closed." that connect() rejects with
  redis.on('error', (error: Error) => (socketError = error));
  try {
    await redis.connect();
    const answer: string = await redis.ping(); // typed 'PONG', but that is what is being checked
    if (answer !== 'PONG') throw new Error(`answered ${answer}`);
  } catch (error) {
    throw new Error(
      `Redis at ${url} does not answer PING (${(socketError ?? (error as Error)).message}). ` +
        'Start it (bash scripts/ensure-services.sh) or point REDIS_URL at one.',
      { cause: error },
    );
  } finally {
    redis.disconnect();
  }
}

/** Drops the template database and builds it again from prisma/migrations, so every run starts clean. */
async function recreateTemplateDatabase(url: string): Promise<void> {
  await withAdmin(url, (admin) => dropDatabase(admin, databaseName(url)));
  await migrate(url, { log: () => {} }); // creates the database, then applies every migration
}

/** Global setup of the e2e project (unit specs need no services). */
export default async function globalSetup(): Promise<void> {
  await assertRedisAnswers(REDIS_URL);
  await recreateTemplateDatabase(templateDatabaseUrl());
  // Jest starts its workers (and, in band, the test environments) after global setup, so they
  // inherit this. Every BullMQ prefix and file database of this run carries it, so global
  // teardown removes exactly this run's leftovers.
  process.env.HOOKLINE_TEST_RUN = randomBytes(4).toString('hex');
}
