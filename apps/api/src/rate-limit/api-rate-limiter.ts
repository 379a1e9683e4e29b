import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { HOOKLINE_CONFIG, type HooklineConfig } from '@app/config';
import { createRedisClient, type RedisClient, type RedisTarget } from '@app/queue';

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

const WINDOW_MS = 60_000;
/** A rate-limit check that takes longer than this lets the request through: Redis must not slow intake. */
const COMMAND_TIMEOUT_MS = 500;
/** How long start-up waits for the first connection, so the first requests are counted too. */
const CONNECT_WAIT_MS = 2000;

/**
 * Counts the request in the key's current window and returns [count, milliseconds left in the
 * window]. One script, so the counter and its expiry are set atomically (no counter without TTL).
 */
const CONSUME_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

type RateLimitRedis = RedisClient & { consumeRateLimit(key: string, windowMs: number): Promise<[number, number]> };

/**
 * API_RATE_LIMIT_PER_MINUTE per API key, as a fixed one-minute window counted in Redis so that every
 * api replica shares it. When Redis is unreachable or slow it fails open: intake must keep working
 * without Redis (events are persisted in PostgreSQL), and an outage is no reason to refuse clients.
 */
@Injectable()
export class ApiRateLimiter implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ApiRateLimiter.name);
  private readonly limit: number;
  private readonly keyPrefix: string;
  private readonly redis: RateLimitRedis | undefined;
  private failing = false;

  constructor(@Inject(HOOKLINE_CONFIG) config: HooklineConfig) {
    this.limit = config.apiRateLimitPerMinute;
    this.keyPrefix = `${config.queuePrefix}:rate-limit:`;
    if (this.limit > 0) this.redis = this.connect(config);
  }

  get perMinute(): number {
    return this.limit;
  }

  /** Counts one request of the key identified by `keyHash` (never the key itself: Redis holds no secrets). */
  async consume(keyHash: string): Promise<RateLimitDecision> {
    if (!this.redis) return { allowed: true };
    let count: number;
    let ttlMs: number;
    try {
      [count, ttlMs] = await this.redis.consumeRateLimit(this.keyPrefix + keyHash, WINDOW_MS);
    } catch (error) {
      this.noteFailure(error as Error);
      return { allowed: true };
    }
    this.noteSuccess();
    return count <= this.limit ? { allowed: true } : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(ttlMs / 1000)) };
  }

  /** Waits (briefly) for Redis to be ready, or to fail, before the API listens; never fails start-up. */
  async onApplicationBootstrap(): Promise<void> {
    const redis = this.redis;
    if (!redis || redis.status === 'ready') return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CONNECT_WAIT_MS);
      redis.once('ready', resolve);
      redis.once('error', resolve);
    });
    clearTimeout(timer);
  }

  onModuleDestroy(): void {
    this.redis?.disconnect();
  }

  private connect(target: RedisTarget): RateLimitRedis {
    const redis = createRedisClient(target, {
      connectionName: 'hookline-api-rate-limit',
      // Fail at once while disconnected instead of queueing: the request goes through unlimited.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
    });
    redis.defineCommand('consumeRateLimit', { numberOfKeys: 1, lua: CONSUME_SCRIPT });
    // ioredis reconnects by itself; without a listener every failed attempt would be an unhandled error.
    redis.on('error', (error: Error) => this.noteFailure(error));
    return redis as RateLimitRedis;
  }

  private noteFailure(error: Error): void {
    if (this.failing) return;
    this.failing = true;
    this.logger.warn(`API rate limiting is off while Redis is unavailable (${error.message}); requests are let through`);
  }

  private noteSuccess(): void {
    if (!this.failing) return;
    this.failing = false;
    this.logger.log('API rate limiting is back on: Redis answers again');
  }
}
