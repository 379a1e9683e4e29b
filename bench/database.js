/**
 * The bench database: created fresh and migrated once per run, emptied before each scenario,
 * plus statement counting (pg_stat_statements when the server preloads it, else transactions).
 */
const { Client } = require('pg');
const { migrate } = require('../scripts/migrate');

function adminUrl(databaseUrl) {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  return url.toString();
}

function databaseName(databaseUrl) {
  return decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
}

async function withClient(url, fn) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function recreateDatabase(databaseUrl) {
  const name = databaseName(databaseUrl).replace(/"/g, '""');
  await withClient(adminUrl(databaseUrl), async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  });
  await migrate(databaseUrl, { log: () => undefined });
}

/** Empties every table but the migration record (faster than re-creating for each scenario). */
async function truncateAll(databaseUrl) {
  await withClient(databaseUrl, async (db) => {
    const { rows } = await db.query(`SELECT quote_ident(tablename) AS t FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`);
    if (rows.length) await db.query(`TRUNCATE ${rows.map((r) => r.t).join(', ')} CASCADE`);
  });
}

async function serverVersion(databaseUrl) {
  return withClient(adminUrl(databaseUrl), async (admin) => (await admin.query('SHOW server_version')).rows[0].server_version);
}

/**
 * A counter of the statements run in the bench database. pg_stat_statements needs
 * shared_preload_libraries (the bench never changes the server's configuration); without it, the
 * figure is transactions (xact_commit + xact_rollback), and every statement outside an explicit
 * transaction is one. Readings are taken after the apps exited, so their backends flushed stats.
 */
async function statementCounter(databaseUrl) {
  const name = databaseName(databaseUrl);
  const viaStatements = await withClient(databaseUrl, async (db) => {
    try {
      await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await db.query('SELECT 1 FROM pg_stat_statements LIMIT 1');
      return true;
    } catch {
      return false;
    }
  });
  if (viaStatements) {
    let readings = 0;
    return {
      unit: 'statements',
      // Our own reading statement is counted too: subtract one per earlier reading.
      read: () =>
        withClient(databaseUrl, async (db) => {
          const { rows } = await db.query(
            `SELECT coalesce(sum(calls), 0)::bigint AS n FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = $1)`,
            [name],
          );
          return Number(rows[0].n) - readings++;
        }),
    };
  }
  return {
    unit: 'transactions',
    read: () =>
      withClient(adminUrl(databaseUrl), async (admin) => {
        await admin.query('SELECT pg_stat_clear_snapshot()');
        const { rows } = await admin.query('SELECT (xact_commit + xact_rollback)::bigint AS n FROM pg_stat_database WHERE datname = $1', [name]);
        return Number(rows[0]?.n ?? 0);
      }),
  };
}

module.exports = { recreateDatabase, truncateAll, serverVersion, statementCounter, databaseName, withClient };
