import { once } from 'node:events';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { HOOKLINE_CONFIG, type HooklineConfig } from '@app/config';
import { createRedisClient, type RedisClient } from '@app/queue';
import { withTimeout } from '@app/domain/with-timeout';

/** Short: a load balancer's probe must get an answer, not a hang, while a dependency is away. */
const REDIS_TIMEOUT_MS = 1000;
const POSTGRES_TIMEOUT_MS = 2000;

export type DependencyState = 'up' | 'down';

/** The database as readiness sees it: resolves when it answers a trivial query. */
export interface DatabaseProbe {
  ping(): Promise<unknown>;
}

/** Injection token of the DatabaseProbe each app passes to ObservabilityModule.forRoot. */
export const DATABASE_PROBE = Symbol('DATABASE_PROBE');

export interface ReadinessReport {
  status: 'ok' | 'unavailable';
  checks: { redis: DependencyState; postgres: DependencyState };
}

/**
 * Answers whether this process can do its work: Redis answers PING and PostgreSQL answers SELECT 1.
 * Redis is probed over a connection of its own that fails commands at once while disconnected (the
 * queues' connections hold them until Redis is back, which would make the probe hang).
 */
@Injectable()
export class ReadinessService implements OnModuleDestroy {
  private readonly redis: RedisClient;

  constructor(
    @Inject(HOOKLINE_CONFIG) config: HooklineConfig,
    @Inject(DATABASE_PROBE) private readonly database: DatabaseProbe,
  ) {
    this.redis = createRedisClient(config, {
      connectionName: 'hookline-health',
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: REDIS_TIMEOUT_MS,
      // ioredis waits this long for a 'close' that a refused socket never sends again (default 2 s).
      disconnectTimeout: 200,
      // Keep trying to reconnect, at most every 2 s, so readiness returns once Redis does.
      retryStrategy: (times: number) => Math.min(times * 200, 2000),
    });
    // Connection errors are what this probe reports; without a listener ioredis prints each one.
    this.redis.on('error', () => undefined);
  }

  async check(): Promise<ReadinessReport> {
    const [redis, postgres] = await Promise.all([this.redisState(), this.postgresState()]);
    return { status: redis === 'up' && postgres === 'up' ? 'ok' : 'unavailable', checks: { redis, postgres } };
  }

  async onModuleDestroy(): Promise<void> {
    this.redis.disconnect();
  }

  private async redisState(): Promise<DependencyState> {
    if (!(await this.redisConnected())) return 'down';
    try {
      return (await withTimeout(this.redis.ping(), REDIS_TIMEOUT_MS)) === 'PONG' ? 'up' : 'down';
    } catch {
      return 'down';
    }
  }

  /** Connected, or connected within the timeout when a connection attempt is under way (start-up). */
  private async redisConnected(): Promise<boolean> {
    if (this.redis.status === 'ready') return true;
    if (this.redis.status !== 'connecting' && this.redis.status !== 'connect') return false;
    return withTimeout(once(this.redis, 'ready'), REDIS_TIMEOUT_MS).then(
      () => true,
      () => false,
    );
  }

  private async postgresState(): Promise<DependencyState> {
    try {
      await withTimeout(this.database.ping(), POSTGRES_TIMEOUT_MS);
      return 'up';
    } catch {
      return 'down';
    }
  }
}
