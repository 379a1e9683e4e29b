#!/usr/bin/env node
// Applies prisma/migrations the way `prisma migrate deploy` does. Prisma's CLI needs its native
// schema-engine binary for that, which cannot be downloaded here; this runner keeps the same
// bookkeeping in `_prisma_migrations`, so Prisma's own tools see the same history.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { Client } = require('pg');

const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/hookline';
const MIGRATIONS_DIR = path.resolve(__dirname, '..', 'prisma', 'migrations');
// The advisory lock key Prisma's schema engine takes, so this runner and Prisma exclude each other.
const PRISMA_MIGRATE_LOCK_KEY = 72707369;
const CONNECT_ATTEMPTS = 10;
const CONNECT_RETRY_DELAY_MS = 1000;

// Prisma's DDL for its history table, verbatim.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);`;

class MigrationError extends Error {}

/** Lowercase hex SHA-256 of the script as stored, as Prisma records it. */
function checksumOf(script) {
  return crypto.createHash('sha256').update(script).digest('hex');
}

/** Migration folders (those holding a migration.sql), in the lexical order Prisma applies them. */
function listMigrations(migrationsDir = MIGRATIONS_DIR) {
  if (!fs.existsSync(migrationsDir)) return [];
  return fs
    .readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const file = path.join(migrationsDir, name, 'migration.sql');
      if (!fs.existsSync(file)) throw new MigrationError(`Migration \`${name}\` has no migration.sql (${file}).`);
      const script = fs.readFileSync(file);
      return { name, script: script.toString('utf8'), checksum: checksumOf(script) };
    });
}

function assertLockfileProvider(migrationsDir) {
  const lockfile = path.join(migrationsDir, 'migration_lock.toml');
  if (!fs.existsSync(lockfile)) return;
  const provider = /^\s*provider\s*=\s*"([^"]*)"/m.exec(fs.readFileSync(lockfile, 'utf8'))?.[1];
  if (provider && provider !== 'postgresql') {
    throw new MigrationError(`The migrations in ${migrationsDir} were made for \`${provider}\` (migration_lock.toml), not \`postgresql\`.`);
  }
}

function quoteIdentifier(name) {
  return `"${name.replace(/"/g, '""')}"`;
}

function databaseNameOf(databaseUrl) {
  return decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
}

function withDatabase(databaseUrl, database) {
  const url = new URL(databaseUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Errors that mean "PostgreSQL is not accepting connections yet", worth waiting out.
const TRANSIENT_CONNECT_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOENT', 'EAI_AGAIN', '57P03']);

/** A connected pg Client, retrying for a few seconds while PostgreSQL is (re)starting. */
async function connect(databaseUrl, attempts = CONNECT_ATTEMPTS) {
  for (let attempt = 1; ; attempt++) {
    const client = new Client({ connectionString: databaseUrl });
    client.on('error', () => {}); // a dropped idle connection surfaces on the next query instead
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => {});
      if (attempt >= attempts || !TRANSIENT_CONNECT_ERRORS.has(error.code)) throw error;
      await sleep(CONNECT_RETRY_DELAY_MS);
    }
  }
}

/** Connects to the target database, creating it first (from the `postgres` database) if it is missing. */
async function connectCreatingDatabase(databaseUrl, log) {
  try {
    return await connect(databaseUrl);
  } catch (error) {
    if (error.code !== '3D000') throw error; // 3D000: database does not exist
  }
  const database = databaseNameOf(databaseUrl);
  const admin = await connect(withDatabase(databaseUrl, 'postgres'));
  try {
    await admin.query(`CREATE DATABASE ${quoteIdentifier(database)}`);
    log(`Created database ${database}`);
  } catch (error) {
    // Created meanwhile by another process: 42P04, or 23505 when both inserted into pg_database at once.
    if (error.code !== '42P04' && error.code !== '23505') throw error;
  } finally {
    await admin.end();
  }
  return connect(databaseUrl);
}

async function ensureMigrationsTable(client) {
  const { rows } = await client.query(`SELECT to_regclass('_prisma_migrations') IS NOT NULL AS "exists"`);
  if (!rows[0].exists) await client.query(CREATE_MIGRATIONS_TABLE);
}

/** Refuses to go on when Prisma would (failed migrations) or when history was rewritten (edited migrations). */
function assertHistoryIsSound(records, migrations) {
  const failed = records.filter((record) => record.finished_at === null && record.rolled_back_at === null);
  if (failed.length > 0) {
    const details = failed
      .map((record) => {
        const logs = record.logs?.trim() ? ` with the following logs:\n${record.logs.trim()}` : '';
        return `The \`${record.migration_name}\` migration started at ${record.started_at.toISOString()} failed${logs}`;
      })
      .join('\n');
    throw new MigrationError(
      'migrate found failed migrations in the target database, new migrations will not be applied. ' +
        'Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve\n' +
        details,
    );
  }
  const checksums = new Map(migrations.map((migration) => [migration.name, migration.checksum]));
  const edited = records.filter(
    (record) => record.rolled_back_at === null && checksums.has(record.migration_name) && checksums.get(record.migration_name) !== record.checksum,
  );
  if (edited.length > 0) {
    throw new MigrationError(
      edited.map((record) => `The migration \`${record.migration_name}\` was modified after it was applied.`).join('\n') +
        '\nRestore the applied migration.sql and put the change in a new migration.',
    );
  }
}

async function applyMigration(client, migration) {
  const id = crypto.randomUUID();
  await client.query(
    `INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name, applied_steps_count)
     VALUES ($1, $2, now(), $3, 0)`,
    [id, migration.checksum, migration.name],
  );
  try {
    // One simple-protocol query: PostgreSQL runs a multi-statement script in one implicit transaction.
    await client.query(migration.script);
  } catch (error) {
    const logs = error.message;
    await client.query('UPDATE _prisma_migrations SET logs = $2 WHERE id = $1', [id, logs]);
    throw new MigrationError(
      'A migration failed to apply. New migrations cannot be applied before the error is recovered from. ' +
        'Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve\n\n' +
        `Migration name: ${migration.name}\n\nDatabase error code: ${error.code ?? 'unknown'}\n\nDatabase error:\n${logs}`,
    );
  }
  await client.query('UPDATE _prisma_migrations SET applied_steps_count = applied_steps_count + 1, finished_at = now() WHERE id = $1', [id]);
}

/**
 * Brings the database at `databaseUrl` up to date with prisma/migrations (creating the database if
 * needed) and resolves with the names of the migrations it applied.
 */
async function migrate(databaseUrl = DEFAULT_DATABASE_URL, { log = console.log, migrationsDir = MIGRATIONS_DIR } = {}) {
  assertLockfileProvider(migrationsDir);
  const migrations = listMigrations(migrationsDir);
  const client = await connectCreatingDatabase(databaseUrl, log);
  try {
    // Session lock: freed with the connection even if we crash halfway.
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK_KEY]);
    await ensureMigrationsTable(client);
    const { rows: records } = await client.query('SELECT * FROM _prisma_migrations ORDER BY started_at');
    assertHistoryIsSound(records, migrations);

    const applied = new Set(records.filter((r) => r.rolled_back_at === null).map((r) => r.migration_name));
    const appliedNow = [];
    for (const migration of migrations.filter((m) => !applied.has(m.name))) {
      await applyMigration(client, migration);
      log(`Applied migration ${migration.name}`);
      appliedNow.push(migration.name);
    }
    if (appliedNow.length === 0) log('No pending migrations to apply.');
    return appliedNow;
  } finally {
    await client.end();
  }
}

module.exports = { migrate, connect, listMigrations, checksumOf, withDatabase, MigrationError, DEFAULT_DATABASE_URL, MIGRATIONS_DIR };

if (require.main === module) {
  // Migrations need a session of their own (the advisory lock): with DATABASE_URL pointing at a
  // pooler in transaction mode (PgBouncer), MIGRATE_DATABASE_URL names PostgreSQL itself.
  const databaseUrl = process.env.MIGRATE_DATABASE_URL || process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  migrate(databaseUrl).catch((error) => {
    const where = new URL(databaseUrl);
    where.password = '';
    // Our own and PostgreSQL's errors (they have a code) explain themselves; anything else needs its stack.
    const explanation = error instanceof MigrationError || error.code ? error.message : error.stack;
    console.error(`Migrating ${where} failed:\n${explanation}`);
    process.exit(1);
  });
}
