import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import { connect, testDatabaseUrl, withDatabase } from './database';

/**
 * The databases of a test run. Global setup migrates one template database (TEST_DATABASE_URL);
 * each e2e file then works in its own copy of it (CREATE DATABASE ... TEMPLATE, a file copy), so
 * files run in parallel without seeing each other's rows. No @app imports: global hooks run without
 * Jest's module mapper.
 */

/**
 * The template every file's database is copied from (global setup drops and re-migrates it): what
 * TEST_DATABASE_URL names before file-database.ts points it at the file's own copy.
 */
export const templateDatabaseUrl = testDatabaseUrl;

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

/** Start of the name of every file database of this run (global setup sets HOOKLINE_TEST_RUN). */
function fileDatabasePrefix(template: string): string {
  return `${databaseName(template)}_${process.env.HOOKLINE_TEST_RUN ?? 'local'}_`;
}

/** A fresh name for one test file's database. */
export function newFileDatabaseUrl(template: string): string {
  return withDatabase(template, `${fileDatabasePrefix(template)}${randomBytes(4).toString('hex')}`);
}

function quoted(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/** Guard against a TEST_DATABASE_URL that points at a real database: test databases get dropped. */
export function assertTestDatabase(database: string): void {
  if (!/test/i.test(database)) {
    throw new Error(`Refusing to drop "${database}": the test database's name must contain "test" (TEST_DATABASE_URL).`);
  }
}

/** Runs `work` with a connection to the server's maintenance database. */
export async function withAdmin<T>(url: string, work: (admin: Client) => Promise<T>): Promise<T> {
  const admin = await connect(withDatabase(url, 'postgres')).catch((error: Error) => {
    throw new Error(
      `PostgreSQL at ${new URL(url).host} is not reachable (${error.message}). ` +
        'Start it (bash scripts/ensure-services.sh) or point TEST_DATABASE_URL at one.',
    );
  });
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

export async function dropDatabase(admin: Client, database: string): Promise<void> {
  assertTestDatabase(database);
  await admin.query(`DROP DATABASE IF EXISTS ${quoted(database)} WITH (FORCE)`);
}

/** Creates `url`'s database as a copy of the migrated template (no one may be connected to it). */
export async function createFromTemplate(url: string, template: string): Promise<void> {
  // PostgreSQL 15's default WAL_LOG strategy: FILE_COPY forces checkpoints, measured 1.5-2x slower here.
  const sql = `CREATE DATABASE ${quoted(databaseName(url))} TEMPLATE ${quoted(databaseName(template))}`;
  await withAdmin(url, (admin) => admin.query(sql));
}

/** Drops every file database of this run that a file (or a killed Jest) left behind. */
export async function dropFileDatabases(template: string): Promise<void> {
  const prefix = fileDatabasePrefix(template);
  await withAdmin(template, async (admin) => {
    const { rows } = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [prefix]);
    for (const { datname } of rows) await dropDatabase(admin, datname);
  });
}
