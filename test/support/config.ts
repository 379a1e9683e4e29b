import { randomBytes } from 'node:crypto';
import { loadConfig, type HooklineConfig } from '@app/config';
import { testRunPrefix } from './test-run';

export const ADMIN_TOKEN = 'test-admin-token';

/**
 * A config for one test file: the file's own database (test/support/file-database.ts sets
 * DATABASE_URL), its own BullMQ prefix (so files never share jobs),
 * loopback http receivers allowed and retry delays in milliseconds.
 */
export function testConfig(overrides: Partial<HooklineConfig> = {}): HooklineConfig {
  const base = loadConfig({
    DATABASE_URL: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/hookline_test',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    PORT: '0',
    ADMIN_TOKEN,
    ALLOW_HTTP_URLS: 'true',
    ALLOW_PRIVATE_URLS: 'true',
    REQUEST_TIMEOUT_MS: '2000',
    RETRY_BASE_MS: '100',
    RETRY_FACTOR: '2',
    RETRY_MAX_DELAY_MS: '2000',
    RETRY_MAX_ATTEMPTS: '5',
    WORKER_CONCURRENCY: '20',
    QUEUE_PREFIX: `${testRunPrefix()}${randomBytes(4).toString('hex')}`,
    // Workers of parallel test files must not compete for the default port 3001.
    WORKER_HTTP_PORT: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    // The sweep and retention run only where a test asks for them (a short interval, RETENTION_DAYS),
    // so no test sees its unfanned events or backdated rows taken by a periodic task it did not start.
    OUTBOX_SWEEP_INTERVAL_MS: '3600000',
    RETENTION_DAYS: '0',
  });
  return { ...base, ...overrides };
}

/**
 * The same settings as environment variables, for worker/api child processes;
 * test/support/config.spec.ts proves loadConfig(configEnv(config)) gives `config` back.
 */
export function configEnv(config: HooklineConfig): Record<string, string> {
  return {
    NODE_ENV: config.nodeEnv,
    DATABASE_URL: config.databaseUrl,
    DATABASE_POOL_SIZE: String(config.databasePoolSize),
    PORT: String(config.port),
    PUBLIC_URL: config.publicUrl,
    REDIS_URL: config.redisUrl,
    ...(config.redisClusterNodes ? { REDIS_CLUSTER_NODES: config.redisClusterNodes.join(',') } : {}),
    ADMIN_TOKEN: config.adminToken ?? '',
    ALLOW_HTTP_URLS: String(config.allowHttpUrls),
    ALLOW_PRIVATE_URLS: String(config.allowPrivateUrls),
    REQUEST_TIMEOUT_MS: String(config.requestTimeoutMs),
    MAX_SOCKETS_PER_ORIGIN: String(config.maxSocketsPerOrigin),
    RETRY_BASE_MS: String(config.retryBaseMs),
    RETRY_FACTOR: String(config.retryFactor),
    RETRY_MAX_DELAY_MS: String(config.retryMaxDelayMs),
    RETRY_MAX_ATTEMPTS: String(config.retryMaxAttempts),
    WORKER_CONCURRENCY: String(config.workerConcurrency),
    WORKER_LOCK_DURATION_MS: String(config.workerLockDurationMs),
    QUEUE_PREFIX: config.queuePrefix,
    WORKER_HTTP_PORT: String(config.workerHttpPort),
    OUTBOX_SWEEP_INTERVAL_MS: String(config.outboxSweepIntervalMs),
    RETENTION_DAYS: String(config.retentionDays),
    RETENTION_INTERVAL_MS: String(config.retentionIntervalMs),
    WEBHOOK_TOKEN_HEADER: config.webhookTokenHeader,
    LOG_LEVEL: config.logLevel,
    LOG_PRETTY: String(config.logPretty),
    API_RATE_LIMIT_PER_MINUTE: String(config.apiRateLimitPerMinute),
    BREAKER_FAILURES: String(config.breakerFailures),
    BREAKER_COOLDOWN_MS: String(config.breakerCooldownMs),
    DISABLE_AFTER_HOURS: String(config.disableAfterHours),
    DISABLE_CHECK_INTERVAL_MS: String(config.disableCheckIntervalMs),
    PORTAL_FRAME_ANCESTORS: config.portalFrameAncestors.join(' '),
    ...(config.bootstrapApiKey ? { BOOTSTRAP_API_KEY: config.bootstrapApiKey } : {}),
    ...(config.metricsToken ? { METRICS_TOKEN: config.metricsToken } : {}),
    ...(config.encryptionKey ? { ENCRYPTION_KEY: config.encryptionKey.toString('base64') } : {}),
    ...(config.tracing ? tracingEnv(config.tracing) : {}),
  };
}

function tracingEnv(tracing: NonNullable<HooklineConfig['tracing']>): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: tracing.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: tracing.protocol,
    OTEL_TRACES_SAMPLER: tracing.sampler,
    OTEL_TRACES_SAMPLER_ARG: String(tracing.samplerRatio),
    ...(tracing.serviceName ? { OTEL_SERVICE_NAME: tracing.serviceName } : {}),
  };
}
