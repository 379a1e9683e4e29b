/**
 * Every setting Hookline reads from the environment, validated once at start-up.
 * A bad value throws ConfigError naming the variable; main.ts turns that into exit code 1.
 */
import { clusterPrefixProblem, parseRedisClusterNodes } from '@app/domain/redis-cluster';
import { parseEncryptionKey } from '@app/domain/secret-cipher';

export class ConfigError extends Error {}

export interface HooklineConfig {
  nodeEnv: string;
  databaseUrl: string;
  databasePoolSize: number;
  redisUrl: string;
  /**
   * Seed nodes of a Redis Cluster (REDIS_CLUSTER_NODES, as redis:// URLs); when set every Redis client
   * is a cluster client and redisUrl is ignored.
   */
  redisClusterNodes: string[] | undefined;
  port: number;
  /** Where clients reach the api (no trailing slash); portal session URLs start with it. */
  publicUrl: string;
  adminToken: string | undefined;
  bootstrapApiKey: string | undefined;
  allowHttpUrls: boolean;
  allowPrivateUrls: boolean;
  requestTimeoutMs: number;
  /** Keep-alive connections a worker opens to one origin at most; more requests queue for one. */
  maxSocketsPerOrigin: number;
  retryBaseMs: number;
  retryFactor: number;
  retryMaxDelayMs: number;
  retryMaxAttempts: number;
  workerConcurrency: number;
  /**
   * BullMQ job lock of the worker, renewed every half of it; a crashed worker's jobs are taken over
   * one to two lock durations later (the stalled-job check runs at the same interval). Short, because
   * a job that runs twice is harmless: fan-out is idempotent and deliveries are claimed in PostgreSQL.
   */
  workerLockDurationMs: number;
  /** Prefix of every BullMQ key; use a hash tag such as {hookline} on Redis Cluster. */
  queuePrefix: string;
  webhookTokenHeader: string;
  /** AES-256-GCM key for secrets at rest; required when NODE_ENV=production. */
  encryptionKey: Buffer | undefined;
  /** Port of the worker's own HTTP listener (/health/*, /metrics); 0 picks a free one. */
  workerHttpPort: number;
  /** When set, /metrics needs `Authorization: Bearer <METRICS_TOKEN>`. */
  metricsToken: string | undefined;
  logLevel: LogLevel;
  /** Human-readable logs (pino-pretty, if installed) instead of JSON lines. */
  logPretty: boolean;
  /** How often the worker re-enqueues events and deliveries whose jobs are missing (lost with Redis). */
  outboxSweepIntervalMs: number;
  /** Events, deliveries and attempts older than this many days are deleted; 0 keeps them forever. */
  retentionDays: number;
  /** How often the retention job runs. */
  retentionIntervalMs: number;
  /** Requests per minute each API key may make (shared by every api replica through Redis); 0 turns the limit off. */
  apiRateLimitPerMinute: number;
  /** Consecutive failed attempts to one origin (scheme://host:port) that open its circuit breaker; 0 turns the breaker off. */
  breakerFailures: number;
  /** First cool-down of an open breaker; it doubles after each failed probe, up to 10 minutes. */
  breakerCooldownMs: number;
  /** A subscription whose deliveries have all failed for this many hours (fractions allowed) is disabled; 0 never disables. */
  disableAfterHours: number;
  /** How often the worker looks for subscriptions to disable (also checked right after each failed attempt). */
  disableCheckIntervalMs: number;
  /**
   * Origins that may frame the portal (/portal), as CSP frame-ancestors sources; empty: none may
   * ('none'). The operator dashboard is never frameable.
   */
  portalFrameAncestors: string[];
  /** OpenTelemetry trace export (the standard OTEL_* variables); undefined when no endpoint is set. */
  tracing: TracingConfig | undefined;
}

/** Where and how spans are exported. Trace context is propagated to receivers whether or not this is set. */
export interface TracingConfig {
  /** OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given, or OTEL_EXPORTER_OTLP_ENDPOINT + "/v1/traces". */
  endpoint: string;
  protocol: OtlpProtocol;
  /** OTEL_SERVICE_NAME; each app has its own default (hookline-api, hookline-worker). */
  serviceName: string | undefined;
  sampler: TracesSampler;
  /** OTEL_TRACES_SAMPLER_ARG: the ratio of the traceidratio samplers (default 1). */
  samplerRatio: number;
}

export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];
export const TRACES_SAMPLERS = [
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
  'always_on',
  'always_off',
  'traceidratio',
] as const;
export type TracesSampler = (typeof TRACES_SAMPLERS)[number];

/** The longest cool-down of an open circuit breaker: 10 minutes. */
export const MAX_BREAKER_COOLDOWN_MS = 600_000;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

type Env = Record<string, string | undefined>;

/** The OpenTelemetry SDK's own variables (see the spec's "Environment Variable Specification"). */
function tracing(env: Env): TracingConfig | undefined {
  if (bool(env, 'OTEL_SDK_DISABLED', false) || optional(env, 'OTEL_TRACES_EXPORTER') === 'none') return undefined;
  const signal = optional(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const base = optional(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  if (signal === undefined && base === undefined) return undefined;
  const endpoint =
    signal !== undefined
      ? url(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', '', ['http:', 'https:'])
      : `${url(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', '', ['http:', 'https:']).replace(/\/+$/, '')}/v1/traces`;
  const protocolName = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  return {
    endpoint,
    protocol: oneOf(env, protocolName, OTLP_PROTOCOLS, 'http/protobuf'),
    serviceName: optional(env, 'OTEL_SERVICE_NAME'),
    sampler: oneOf(env, 'OTEL_TRACES_SAMPLER', TRACES_SAMPLERS, 'parentbased_always_on'),
    samplerRatio: num(env, 'OTEL_TRACES_SAMPLER_ARG', 1, { min: 0, max: 1 }),
  };
}

function oneOf<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
  const value = str(env, name, fallback);
  if (!(values as readonly string[]).includes(value)) throw new ConfigError(`${name} must be one of ${values.join(', ')}, got "${value}".`);
  return value as T;
}

function str(env: Env, name: string, fallback: string): string {
  const value = env[name];
  return value === undefined || value === '' ? fallback : value;
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new ConfigError(`${name} must be "true" or "false", got "${value}".`);
}

function num(env: Env, name: string, fallback: number, opts: { min: number; max?: number; integer?: boolean }): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  const integerOk = !opts.integer || Number.isInteger(value);
  if (!Number.isFinite(value) || !integerOk || value < opts.min || (opts.max !== undefined && value > opts.max)) {
    const range = opts.max !== undefined ? `between ${opts.min} and ${opts.max}` : `at least ${opts.min}`;
    throw new ConfigError(`${name} must be ${opts.integer ? 'an integer' : 'a number'} ${range}, got "${raw}".`);
  }
  return value;
}

function url(env: Env, name: string, fallback: string, protocols: string[]): string {
  const value = str(env, name, fallback);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be a URL, got an unparsable value.`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')}.`);
  }
  return value;
}

export function loadConfig(env: Env = process.env): HooklineConfig {
  const nodeEnv = str(env, 'NODE_ENV', 'development');
  const port = num(env, 'PORT', 3000, { min: 0, max: 65535, integer: true });
  return {
    nodeEnv,
    databaseUrl: url(env, 'DATABASE_URL', 'postgresql://postgres@127.0.0.1:5432/hookline', ['postgresql:', 'postgres:']),
    databasePoolSize: num(env, 'DATABASE_POOL_SIZE', 10, { min: 1, max: 500, integer: true }),
    redisUrl: url(env, 'REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    redisClusterNodes: redisClusterNodes(env),
    port,
    publicUrl: url(env, 'PUBLIC_URL', `http://127.0.0.1:${port}`, ['http:', 'https:']).replace(/\/+$/, ''),
    adminToken: optional(env, 'ADMIN_TOKEN'),
    bootstrapApiKey: optional(env, 'BOOTSTRAP_API_KEY'),
    allowHttpUrls: bool(env, 'ALLOW_HTTP_URLS', false),
    allowPrivateUrls: bool(env, 'ALLOW_PRIVATE_URLS', false),
    requestTimeoutMs: num(env, 'REQUEST_TIMEOUT_MS', 15_000, { min: 1, integer: true }),
    maxSocketsPerOrigin: num(env, 'MAX_SOCKETS_PER_ORIGIN', 64, { min: 1, max: 10_000, integer: true }),
    retryBaseMs: num(env, 'RETRY_BASE_MS', 30_000, { min: 0, integer: true }),
    retryFactor: num(env, 'RETRY_FACTOR', 3, { min: 1 }),
    retryMaxDelayMs: num(env, 'RETRY_MAX_DELAY_MS', 12 * 3600_000, { min: 0, integer: true }),
    retryMaxAttempts: num(env, 'RETRY_MAX_ATTEMPTS', 10, { min: 1, max: 20, integer: true }),
    workerConcurrency: num(env, 'WORKER_CONCURRENCY', 100, { min: 1, max: 1000, integer: true }),
    workerLockDurationMs: num(env, 'WORKER_LOCK_DURATION_MS', 5_000, { min: 500, max: 600_000, integer: true }),
    queuePrefix: queuePrefix(env),
    webhookTokenHeader: str(env, 'WEBHOOK_TOKEN_HEADER', 'X-Webhook-Token'),
    encryptionKey: encryptionKey(env, nodeEnv),
    workerHttpPort: num(env, 'WORKER_HTTP_PORT', 3001, { min: 0, max: 65535, integer: true }),
    metricsToken: optional(env, 'METRICS_TOKEN'),
    logLevel: logLevel(env),
    logPretty: bool(env, 'LOG_PRETTY', false),
    outboxSweepIntervalMs: num(env, 'OUTBOX_SWEEP_INTERVAL_MS', 5000, { min: 100, max: 3600_000, integer: true }),
    retentionDays: num(env, 'RETENTION_DAYS', 30, { min: 0, max: 36500 }),
    retentionIntervalMs: num(env, 'RETENTION_INTERVAL_MS', 3600_000, { min: 1000, max: 7 * 24 * 3600_000, integer: true }),
    apiRateLimitPerMinute: num(env, 'API_RATE_LIMIT_PER_MINUTE', 6000, { min: 0, max: 10_000_000, integer: true }),
    breakerFailures: num(env, 'BREAKER_FAILURES', 10, { min: 0, max: 100_000, integer: true }),
    breakerCooldownMs: num(env, 'BREAKER_COOLDOWN_MS', 30_000, { min: 1, max: MAX_BREAKER_COOLDOWN_MS, integer: true }),
    disableAfterHours: num(env, 'DISABLE_AFTER_HOURS', 120, { min: 0, max: 87_600 }),
    // At least once a minute, as the failing-endpoint policy promises.
    disableCheckIntervalMs: num(env, 'DISABLE_CHECK_INTERVAL_MS', 60_000, { min: 100, max: 60_000, integer: true }),
    portalFrameAncestors: frameAncestors(env, 'PORTAL_FRAME_ANCESTORS'),
    tracing: tracing(env),
  };
}

/** An http(s) origin, optionally with a `*.` subdomain wildcard, as CSP source expressions allow. */
const FRAME_ANCESTOR = /^https?:\/\/(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?$/i;

/**
 * Space- or comma-separated origins (`https://app.example.com https://*.example.org`) or `'self'`.
 * Anything else is refused: the list goes verbatim into a Content-Security-Policy header, where a
 * stray `;` or path would change the policy.
 */
function frameAncestors(env: Env, name: string): string[] {
  const sources = str(env, name, '')
    .split(/[\s,]+/)
    .filter(Boolean);
  for (const source of sources) {
    if (source !== "'self'" && !FRAME_ANCESTOR.test(source)) {
      throw new ConfigError(`${name} must list origins such as https://app.example.com (or 'self'), got "${source}".`);
    }
  }
  return sources;
}

function redisClusterNodes(env: Env): string[] | undefined {
  const value = optional(env, 'REDIS_CLUSTER_NODES');
  if (value === undefined) return undefined;
  try {
    return parseRedisClusterNodes(value);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

/** On a cluster the prefix must carry a hash tag: BullMQ's scripts need a queue's keys in one slot. */
function queuePrefix(env: Env): string {
  const prefix = str(env, 'QUEUE_PREFIX', 'hookline');
  const problem = optional(env, 'REDIS_CLUSTER_NODES') === undefined ? undefined : clusterPrefixProblem(prefix);
  if (problem) throw new ConfigError(problem);
  return prefix;
}

function logLevel(env: Env): LogLevel {
  const value = str(env, 'LOG_LEVEL', 'info');
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${value}".`);
  }
  return value as LogLevel;
}

function encryptionKey(env: Env, nodeEnv: string): Buffer | undefined {
  const value = optional(env, 'ENCRYPTION_KEY');
  if (!value) {
    if (nodeEnv === 'production') throw new ConfigError('ENCRYPTION_KEY is required when NODE_ENV=production (openssl rand -base64 32).');
    return undefined;
  }
  try {
    return parseEncryptionKey(value);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}
