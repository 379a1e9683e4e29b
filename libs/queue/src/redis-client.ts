import type { ConnectionOptions } from 'bullmq';
import Redis, { Cluster } from 'ioredis';

/** One Redis server or a Redis Cluster: every Hookline client is one of these. */
export type RedisClient = Redis | Cluster;

/** Where Redis is: REDIS_URL, or the seed nodes of REDIS_CLUSTER_NODES, which then win. */
export interface RedisTarget {
  redisUrl: string;
  /** redis:// or rediss:// URLs of seed nodes (libs/domain/src/redis-cluster.ts parses the setting). */
  redisClusterNodes?: string[];
}

/** What a client needs beyond where Redis is; the same on one server and on a cluster. */
export interface RedisClientOptions {
  connectionName?: string;
  /** false: fail commands at once while disconnected instead of holding them until Redis returns. */
  enableOfflineQueue?: boolean;
  maxRetriesPerRequest?: number | null;
  commandTimeout?: number;
  connectTimeout?: number;
  disconnectTimeout?: number;
  /** Delay before the next reconnection attempt (null: stop trying). */
  retryStrategy?: (times: number) => number | null;
}

/**
 * The one place a Redis connection is made: a Cluster client when the target names cluster nodes
 * (ioredis follows MOVED/ASK and refreshes the slot map itself), else a client of REDIS_URL.
 */
export function createRedisClient(target: RedisTarget, options: RedisClientOptions = {}): RedisClient {
  const { enableOfflineQueue, retryStrategy, ...perConnection } = withoutUndefined(options);
  if (isCluster(target)) {
    const seeds = target.redisClusterNodes.map((node) => connectionOptionsFromUrl(node));
    return new Cluster(
      seeds.map(({ host, port }) => ({ host, port })),
      {
        // Nodes found through the slot map get the credentials and TLS of the first seed.
        redisOptions: { username: seeds[0].username, password: seeds[0].password, tls: seeds[0].tls, ...perConnection },
        ...withoutUndefined({ enableOfflineQueue, clusterRetryStrategy: retryStrategy }),
      },
    );
  }
  return new Redis({ ...connectionOptionsFromUrl(target.redisUrl), ...perConnection, ...withoutUndefined({ enableOfflineQueue, retryStrategy }) });
}

/**
 * BullMQ's `connection`. For one server, options: BullMQ opens (and closes) each connection itself.
 * BullMQ cannot build a Cluster client from options, so on a cluster it gets a client: queues share
 * it, workers duplicate it; whoever creates the queues closes it with them (forceDisconnectOnShutdown).
 */
export function bullConnection(target: RedisTarget, connectionName?: string): ConnectionOptions {
  // BullMQ needs maxRetriesPerRequest null; retrying forever rides out Redis restarts.
  if (isCluster(target)) return createRedisClient(target, { connectionName, maxRetriesPerRequest: null });
  return { ...connectionOptionsFromUrl(target.redisUrl), maxRetriesPerRequest: null, ...(connectionName ? { connectionName } : {}) };
}

export function isCluster(target: RedisTarget): target is RedisTarget & { redisClusterNodes: string[] } {
  return (target.redisClusterNodes?.length ?? 0) > 0;
}

/** BullMQ connection options for one server named by a redis:// or rediss:// URL. */
export function redisOptionsFromUrl(url: string): ConnectionOptions {
  return { ...connectionOptionsFromUrl(url), maxRetriesPerRequest: null };
}

/** Where one server is and how to log in: the part of the options a URL says. */
interface ServerAddress {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: Record<string, never>;
}

function connectionOptionsFromUrl(url: string): ServerAddress {
  const parsed = new URL(url);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : undefined;
  return withoutUndefined({
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 6379,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: Number.isInteger(db) ? db : undefined,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
  });
}

/** ioredis treats a key set to undefined differently from a missing key in some options. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
