import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cleanupWhenGone, sparePort } from './fault-services';
import { waitFor } from './poll';

const run = promisify(execFile);
const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server';
const REDIS_CLI = process.env.REDIS_CLI ?? 'redis-cli';

/** A throwaway Redis Cluster of masters only, on spare ports of 127.0.0.1. */
export interface ThrowawayRedisCluster {
  /** The setting REDIS_CLUSTER_NODES would hold: `127.0.0.1:P1,127.0.0.1:P2,…`. */
  nodes: string;
  ports: number[];
  /** Runs redis-cli against one node (cluster mode: follows redirections); resolves with its output. */
  cli(...args: string[]): Promise<string>;
  dispose(): Promise<void>;
}

/**
 * Starts `masters` redis-servers with cluster mode on (no persistence), joins them with
 * `redis-cli --cluster create … --cluster-replicas 0` and waits for `cluster_state:ok` on every node.
 */
export async function startThrowawayRedisCluster(masters = 3): Promise<ThrowawayRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-redis-cluster-'));
  const ports: number[] = [];
  while (ports.length < masters) {
    const port = await sparePort();
    // A node also listens on port + 10000 (the cluster bus): both must be free and distinct.
    if (port + 10000 <= 65535 && !ports.includes(port)) ports.push(port);
  }
  const children: ChildProcess[] = [];
  const cancelWatchdog = cleanupWhenGone(`kill -9 ${'$'}(cat '${dir}'/*.pid 2>/dev/null) 2>/dev/null; rm -rf '${dir}'`);
  const dispose = async () => {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(
      children.map((child) =>
        child.exitCode === null && child.signalCode === null ? new Promise((resolve) => child.once('exit', resolve)) : Promise.resolve(),
      ),
    );
    cancelWatchdog();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) {
      const nodeDir = join(dir, String(port));
      await run('mkdir', ['-p', nodeDir]);
      const child = spawn(
        REDIS_SERVER,
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(nodeDir, 'nodes.conf'),
          '--save',
          '',
          '--appendonly',
          'no',
          '--dir',
          nodeDir,
          '--pidfile',
          join(dir, `${port}.pid`),
          '--daemonize',
          'no',
        ],
        { stdio: 'ignore' },
      );
      children.push(child);
    }
    const cli = async (port: number, ...args: string[]) => (await run(REDIS_CLI, ['-h', '127.0.0.1', '-p', String(port), ...args])).stdout;
    for (const port of ports)
      await waitFor(
        () =>
          cli(port, 'PING').then(
            (answer) => answer.trim() === 'PONG',
            () => false,
          ),
        { what: `redis-server on ${port}` },
      );
    await run(REDIS_CLI, ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes']);
    for (const port of ports) {
      await waitFor(async () => (await cli(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'), { what: `cluster_state:ok on ${port}` });
    }
    return {
      nodes: ports.map((port) => `127.0.0.1:${port}`).join(','),
      ports,
      cli: (...args: string[]) => cli(ports[0], '-c', ...args),
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}
