import { clusterPrefixProblem, parseRedisClusterNodes, redisHashTag } from './redis-cluster';

describe('Redis Cluster settings', () => {
  it('finds the hash tag Redis hashes a key by', () => {
    expect(redisHashTag('{hookline}')).toBe('hookline');
    expect(redisHashTag('{hookline}:hookline-intake:wait')).toBe('hookline');
    expect(redisHashTag('app-{hl}-x{y}')).toBe('hl');
    expect(redisHashTag('hookline')).toBeUndefined();
    expect(redisHashTag('{}hookline')).toBeUndefined();
    expect(redisHashTag('hook{line')).toBeUndefined();
  });

  it('parses seed nodes as host:port or redis URLs', () => {
    expect(parseRedisClusterNodes('10.0.0.1:7000, redis-b:7001,')).toEqual(['redis://10.0.0.1:7000', 'redis://redis-b:7001']);
    expect(parseRedisClusterNodes('rediss://user:pw@cache.example.com:6380')).toEqual(['rediss://user:pw@cache.example.com:6380']);
  });

  it('says why a prefix cannot be used on a cluster', () => {
    expect(clusterPrefixProblem('{a}')).toBeUndefined();
    expect(clusterPrefixProblem('hookline')).toMatch(/^QUEUE_PREFIX must contain a Redis Cluster hash tag/);
  });

  it.each(['', ' , ', 'redis-a', 'redis-a:0', 'redis-a:70000', 'http://a:1', 'redis://a:7000/2', 'a:b'])('refuses seed nodes %j', (value) => {
    expect(() => parseRedisClusterNodes(value)).toThrow(/REDIS_CLUSTER_NODES must/);
  });
});
