import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { HOOKLINE_CONFIG, type HooklineConfig } from '@app/config';
import { createRedisClient, type RedisClient } from '@app/queue';

/**
 * Elects one worker replica per run of a maintenance task: a Redis key set with NX and a TTL, left to
 * expire. Running a task on several replicas at once would be harmless (job ids dedupe, deletes are
 * idempotent); the lock only saves the duplicate queries.
 *
 * Its own connection fails commands at once while Redis is away (the queues' connections hold them
 * until Redis returns), so a maintenance run never hangs on an outage.
 */
@Injectable()
export class MaintenanceLock implements OnModuleDestroy {
  private readonly owner = randomUUID();
  private readonly redis: RedisClient;

  constructor(@Inject(HOOKLINE_CONFIG) private readonly config: HooklineConfig) {
    this.redis = createRedisClient(config, {
      connectionName: 'hookline-maintenance',
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // Reconnect forever, at most every 2 s: the next run after Redis returns finds it connected.
      retryStrategy: (times: number) => Math.min(times * 200, 2000),
    });
    // Outages show as skipped runs; without a listener ioredis would print every reconnect failure.
    this.redis.on('error', () => undefined);
  }

  /** Whether Redis is connected now. */
  get redisReady(): boolean {
    return this.redis.status === 'ready';
  }

  /** True when this replica may run `task` now: no replica ran it within the last `ttlMs`. */
  async acquire(task: string, ttlMs: number): Promise<boolean> {
    const key = `${this.config.queuePrefix}:maintenance:${task}`;
    return (await this.redis.set(key, this.owner, 'PX', Math.max(1, Math.round(ttlMs)), 'NX')) === 'OK';
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
