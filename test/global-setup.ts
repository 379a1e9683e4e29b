import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { TEST_DATABASE_URL, connect, migrate, withDatabase } from './support/database';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Fails fast, with a hint, when Redis is not there: the queue tests would otherwise just time out. */
async function assertRedisAnswers(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  let socketError: Error | undefined; // more telling than the "Connection is closed." that connect() rejects with
  redis.on('error', (error: Error) => (socketError = error));
  try {
    await redis.connect();
    const answer = await redis.ping();
    if (answer !== 'PONG') throw new Error(`answered ${answer}`);
  } catch (error) {
    throw new Error(
      `Redis at ${url} does not answer PING (${(socketError ?? (error as Error)).message}). ` +
        'Start it (bash scripts/ensure-services.sh) or point REDIS_URL at one.',
    );
  } finally {
    redis.disconnect();
  }
}

/** Drops the test database and builds it again from prisma/migrations, so every run starts clean. */
async function recreateTestDatabase(url: string): Promise<void> {
  const database = decodeURIComponent(new URL(url).pathname.slice(1));
  // Guard against a TEST_DATABASE_URL that points at a real database: it is about to be dropped.
  if (!/test/i.test(database)) {
    throw new Error(`Refusing to drop "${database}": the test database's name must contain "test" (TEST_DATABASE_URL).`);
  }
  const admin = await connect(withDatabase(url, 'postgres')).catch((error: Error) => {
    throw new Error(
      `PostgreSQL at ${new URL(url).host} is not reachable (${error.message}). ` +
        'Start it (bash scripts/ensure-services.sh) or point TEST_DATABASE_URL at one.',
    );
  });
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${database.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  await migrate(url, { log: () => {} }); // creates the database, then applies every migration
}

export default async function globalSetup(): Promise<void> {
  await assertRedisAnswers(REDIS_URL);
  await recreateTestDatabase(TEST_DATABASE_URL);
  // Jest starts its workers (and, in band, the test environments) after global setup, so they
  // inherit this.
  process.env.DATABASE_URL = TEST_DATABASE_URL;
  // Every BullMQ prefix of this run starts with it, so global teardown removes exactly this run's keys.
  process.env.HOOKLINE_TEST_RUN = randomBytes(4).toString('hex');
}
