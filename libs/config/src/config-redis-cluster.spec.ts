import { ConfigError, loadConfig } from './config';

describe('config: REDIS_CLUSTER_NODES', () => {
  it('makes the config a cluster config only with a hash-tagged QUEUE_PREFIX', () => {
    expect(loadConfig({}).redisClusterNodes).toBeUndefined();
    const config = loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7000,127.0.0.1:7001', QUEUE_PREFIX: '{hookline}' });
    expect(config).toMatchObject({ redisClusterNodes: ['redis://127.0.0.1:7000', 'redis://127.0.0.1:7001'], queuePrefix: '{hookline}' });
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7000' })).toThrow(ConfigError);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7000', QUEUE_PREFIX: 'hookline' })).toThrow(
      /^QUEUE_PREFIX must contain a Redis Cluster hash tag such as \{hookline\} while REDIS_CLUSTER_NODES is set/,
    );
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'nowhere' })).toThrow(/^REDIS_CLUSTER_NODES must be host:port/);
    // Without a cluster any prefix goes, as before.
    expect(loadConfig({ QUEUE_PREFIX: 'hookline' }).queuePrefix).toBe('hookline');
  });
});
