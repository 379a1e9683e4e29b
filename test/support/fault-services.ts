import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { migrate } from './database';

const run = promisify(execFile);

/** The installed PostgreSQL's server binaries (Debian layout); POSTGRES_BIN overrides it. */
const POSTGRES_BIN = process.env.POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';
const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server';
const START_TIMEOUT_MS = 15_000;

/** A port nothing listens on right now (the OS picks it; it stays free in practice until used). */
export async function sparePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Runs the shell command `cleanup` once this test process is gone, unless cancelled first (call the
 * returned function). Without it a crashed or killed Jest would leave the services running: pg_ctl
 * detaches the server, and Jest's own process may die before any afterAll.
 */
export function cleanupWhenGone(cleanup: string): () => void {
  const watchdog = spawn('sh', ['-c', `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ${cleanup}`], { detached: true, stdio: 'ignore' });
  watchdog.unref();
  return () => {
    if (watchdog.exitCode === null && watchdog.pid) {
      try {
        process.kill(watchdog.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
}

/** A service the test owns: it may stop and start it at will, on the same port. */
export interface FaultService {
  url: string;
  port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Stops it for good and removes its files. */
  dispose(): Promise<void>;
}

/**
 * A throwaway redis-server on a spare port, without persistence: a restart loses every key, as the
 * production Redis may. stop() kills it (SIGKILL), like a crash.
 */
export async function startThrowawayRedis(): Promise<FaultService> {
  const port = await sparePort();
  let child: ChildProcess | undefined;
  let exited: Promise<unknown> = Promise.resolve();

  const start = async () => {
    if (child) return;
    const server = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = server;
    const cancelWatchdog = cleanupWhenGone(`kill -9 ${server.pid}`);
    exited = new Promise((resolve) => server.once('exit', resolve)).finally(cancelWatchdog);
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server on port ${port} not ready:\n${output}`)), START_TIMEOUT_MS);
      server.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      server.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server on port ${port} exited (${code}):\n${output}`));
      });
    });
  };
  const stop = async () => {
    if (!child) return;
    child.kill('SIGKILL');
    child = undefined;
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop,
    restart: async () => (await stop(), start()),
    dispose: stop,
  };
}

/**
 * A throwaway PostgreSQL cluster (initdb into a temporary directory) on a spare port, with trust
 * authentication and fsync off, and the `hookline` database migrated. stop() is a fast shutdown:
 * open sessions are cut, as in a server restart or failover.
 */
export async function startThrowawayPostgres(): Promise<FaultService> {
  const port = await sparePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'hookline-fault-pg-'));
  const asRoot = process.getuid?.() === 0;
  // initdb and postgres refuse to run as root: run them as the postgres OS user, who owns the directory.
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: group } = await run('id', ['-g', 'postgres']);
    chownSync(dataDir, Number(stdout.trim()), Number(group.trim()));
  }
  const pg = (binary: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(POSTGRES_BIN, binary), ...args]) : run(join(POSTGRES_BIN, binary), args);

  const pgCtl = `${asRoot ? 'runuser -u postgres -- ' : ''}${join(POSTGRES_BIN, 'pg_ctl')}`;
  const cancelWatchdog = cleanupWhenGone(`${pgCtl} -D '${dataDir}' -m immediate stop; rm -rf '${dataDir}'`);

  await pg('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '--no-sync', '--no-instructions']);
  const serverOptions = `-p ${port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  let running = false;
  const start = async () => {
    if (running) return;
    await pg('pg_ctl', ['-D', dataDir, '-o', serverOptions, '-l', join(dataDir, 'server.log'), '-w', '-t', String(START_TIMEOUT_MS / 1000), 'start']);
    running = true;
  };
  const stop = async () => {
    if (!running) return;
    await pg('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
    running = false;
  };
  await start();
  const url = `postgresql://postgres@127.0.0.1:${port}/hookline`;
  await migrate(url, { log: () => {} });
  return {
    url,
    port,
    start,
    stop,
    restart: async () => (await stop(), start()),
    dispose: async () => {
      cancelWatchdog();
      await stop().catch(() => pg('pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop']).catch(() => undefined));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
