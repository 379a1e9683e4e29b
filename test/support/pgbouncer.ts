import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { cleanupWhenGone, sparePort } from './fault-services';
import { waitFor } from './poll';

const run = promisify(execFile);
const PGBOUNCER = process.env.PGBOUNCER ?? '/usr/sbin/pgbouncer';

export interface ThrowawayPgBouncer {
  /** `databaseUrl` with its host and port replaced by PgBouncer's. */
  url: string;
  port: number;
  /** Transactions PgBouncer passed on for `database` so far (SHOW STATS on its admin console). */
  transactions(database: string): Promise<number>;
  dispose(): Promise<void>;
}

/**
 * A PgBouncer in transaction pooling mode on a spare port, in front of the PostgreSQL of
 * `databaseUrl` (every database, user `postgres`, no password: auth_type trust). `serverPoolSize`
 * server connections per database: a small pool makes different clients' transactions share
 * server connections, so anything that needs a session (named prepared statements, advisory
 * locks, SET) fails the way it would in production. PgBouncer refuses to run as root: as root it
 * runs as the postgres OS user.
 */
export async function startThrowawayPgBouncer(databaseUrl: string, { serverPoolSize = 4 } = {}): Promise<ThrowawayPgBouncer> {
  const target = new URL(databaseUrl);
  const port = await sparePort();
  const dir = mkdtempSync(join(tmpdir(), 'hookline-pgbouncer-'));
  const user = decodeURIComponent(target.username || 'postgres');
  writeFileSync(join(dir, 'userlist.txt'), `"${user}" ""\n`);
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=${target.hostname} port=${target.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      `unix_socket_dir = ${dir}`,
      'auth_type = trust',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      `admin_users = ${user}`,
      'pool_mode = transaction',
      `default_pool_size = ${serverPoolSize}`,
      'max_client_conn = 500',
      // node-postgres sends none of these, but other clients (psql, drivers) may.
      'ignore_startup_parameters = extra_float_digits,options',
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      `pidfile = ${join(dir, 'pgbouncer.pid')}`,
      '',
    ].join('\n'),
  );
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    for (const file of ['', 'userlist.txt', 'pgbouncer.ini']) chownSync(join(dir, file), uid, gid);
  }
  const command = asRoot ? ['runuser', ['-u', 'postgres', '--', PGBOUNCER, join(dir, 'pgbouncer.ini')]] : [PGBOUNCER, [join(dir, 'pgbouncer.ini')]];
  const child: ChildProcess = spawn(command[0] as string, command[1] as string[], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const cancelWatchdog = cleanupWhenGone(`kill -9 ${'$'}(cat '${dir}/pgbouncer.pid' 2>/dev/null) ${child.pid} 2>/dev/null; rm -rf '${dir}'`);
  const dispose = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // Signal pgbouncer itself (its pid file): runuser does not pass signals on. SIGTERM: immediate shutdown.
      const pidFile = join(dir, 'pgbouncer.pid');
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : (child.pid as number);
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        child.kill('SIGKILL');
      }
      await exited;
    }
    cancelWatchdog();
    rmSync(dir, { recursive: true, force: true });
  };
  const adminQuery = async (sql: string) => {
    const client = new Client({ host: '127.0.0.1', port, user, database: 'pgbouncer' });
    await client.connect();
    try {
      // Without parameters node-postgres uses the simple query protocol, the only one the console speaks.
      return (await client.query(sql)).rows as Record<string, string>[];
    } finally {
      await client.end();
    }
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`pgbouncer exited (${child.exitCode}); see its log in ${dir}`);
        return adminQuery('SHOW VERSION').then(
          () => true,
          () => false,
        );
      },
      { what: `pgbouncer on port ${port}` },
    );
  } catch (error) {
    await dispose();
    throw error;
  }
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    port,
    transactions: async (database) => Number((await adminQuery('SHOW STATS')).find((row) => row.database === database)?.total_xact_count ?? 0),
    dispose,
  };
}
