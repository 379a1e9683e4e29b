import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { HOOKLINE_CONFIG, type HooklineConfig } from '@app/config';
import { createRedisClient, type RedisClient } from '@app/queue';

/** A breaker or rate-limit command slower than this lets the delivery through: they must never stall the worker. */
const COMMAND_TIMEOUT_MS = 1000;
/** How long start-up waits for the connection, so the first deliveries are already guarded. */
const CONNECT_WAIT_MS = 2000;

/**
 * The Redis connection the circuit breakers and rate limiters share across worker replicas. Their
 * keys live under the queue prefix (a Redis Cluster hash tag there keeps them in one slot). It fails
 * commands at once while Redis is away instead of queueing them, and callers then fail open: a
 * delivery is never held back because its guards cannot be read.
 */
@Injectable()
export class EndpointHealthRedis implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(EndpointHealthRedis.name);
  readonly client: RedisClient;
  readonly keyPrefix: string;
  private failing = false;

  constructor(@Inject(HOOKLINE_CONFIG) config: HooklineConfig) {
    this.keyPrefix = config.queuePrefix;
    this.client = createRedisClient(config, {
      connectionName: 'hookline-endpoint-health',
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      retryStrategy: (times: number) => Math.min(times * 200, 2000),
    });
    // ioredis reconnects by itself; without a listener each failed reconnect would be an unhandled error.
    this.client.on('error', (error: Error) => this.noteFailure(error));
  }

  key(...parts: string[]): string {
    return [this.keyPrefix, ...parts].join(':');
  }

  async onModuleInit(): Promise<void> {
    if (this.client.status === 'ready') return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CONNECT_WAIT_MS);
      this.client.once('ready', resolve);
      this.client.once('error', resolve);
    });
    clearTimeout(timer);
  }

  onModuleDestroy(): void {
    this.client.disconnect();
  }

  /** Logs the first failure of an outage (not every one); the caller goes on unguarded. */
  noteFailure(error: Error): void {
    if (this.failing) return;
    this.failing = true;
    this.logger.warn(`circuit breakers and rate limits are off while Redis is unavailable (${error.message}); deliveries go out unguarded`);
  }

  noteSuccess(): void {
    if (!this.failing) return;
    this.failing = false;
    this.logger.log('circuit breakers and rate limits are back on: Redis answers again');
  }
}
