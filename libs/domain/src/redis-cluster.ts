/**
 * Redis Cluster rules shared by the config, the publisher and the Redis client factory: how seed
 * nodes are written, and the hash tag that keeps a queue's keys in one slot.
 */

/**
 * The hash tag Redis Cluster hashes a key by: the text between the first `{` and the first `}` after
 * it, when not empty (https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/).
 * BullMQ's scripts touch several keys of a queue at once, so they must all carry one tag.
 */
export function redisHashTag(key: string): string | undefined {
  const open = key.indexOf('{');
  if (open < 0) return undefined;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : undefined;
}

/** The error message when a queue prefix cannot be used on a cluster, or undefined when it can. */
export function clusterPrefixProblem(prefix: string, prefixName = 'QUEUE_PREFIX', nodesName = 'REDIS_CLUSTER_NODES'): string | undefined {
  if (redisHashTag(prefix) !== undefined) return undefined;
  return (
    `${prefixName} must contain a Redis Cluster hash tag such as {hookline} while ${nodesName} is set ` +
    `(every key of a queue must hash to one slot), got "${prefix}".`
  );
}

/**
 * Parses seed nodes written `host:port,host:port,…`; an entry may also be a `redis://` or
 * `rediss://` URL (credentials and TLS). Returns them as URLs; throws an Error naming the bad entry.
 */
export function parseRedisClusterNodes(value: string, name = 'REDIS_CLUSTER_NODES'): string[] {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) throw new Error(`${name} must list at least one host:port.`);
  return entries.map((entry) => {
    const candidate = entry.includes('://') ? entry : `redis://${entry}`;
    let parsed: URL;
    try {
      parsed = new URL(candidate);
    } catch {
      throw new Error(`${name} must be host:port entries separated by commas, got "${entry}".`);
    }
    const port = Number(parsed.port);
    if (!['redis:', 'rediss:'].includes(parsed.protocol) || !parsed.hostname || !parsed.port || !(port >= 1 && port <= 65535) || parsed.pathname.length > 1) {
      throw new Error(`${name} must be host:port entries separated by commas (or redis:// URLs with a port), got "${entry}".`);
    }
    return candidate;
  });
}
