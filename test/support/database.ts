import { Client, Pool } from 'pg';

/**
 * TEST_DATABASE_URL: in global setup and teardown the run's template database; inside a test file
 * that file's own database (test/support/file-database.ts points it there before the file runs).
 * Read when called, never cached: modules may load before that switch.
 */
export function testDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/hookline_test';
}

/** A pg Pool on the test file's database (or another one); end it in afterAll. */
export function createTestPool(databaseUrl = testDatabaseUrl(), max = 2): Pool {
  return new Pool({ connectionString: databaseUrl, max });
}

interface MigrateModule {
  /** Applies pending prisma/migrations to the database (creating it if needed); resolves with their names. */
  migrate: (databaseUrl: string, options?: { log?: (line: string) => void }) => Promise<string[]>;
  /** A connected client, retrying for a few seconds while PostgreSQL is starting. */
  connect: (databaseUrl: string) => Promise<Client>;
  /** The same URL pointing at another database on the same server. */
  withDatabase: (databaseUrl: string, database: string) => string;
}

// scripts/migrate.js is plain CommonJS run by `npm run db:migrate`; this gives it types for the tests.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const { migrate, connect, withDatabase } = require('../../scripts/migrate') as MigrateModule;
