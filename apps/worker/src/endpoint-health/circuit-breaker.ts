import { Inject, Injectable } from '@nestjs/common';
import { HOOKLINE_CONFIG, MAX_BREAKER_COOLDOWN_MS, type HooklineConfig } from '@app/config';
import type { RedisClient } from '@app/queue';
import { EndpointHealthRedis } from './endpoint-health-redis';

/** What to do with a delivery to an origin: send it, send it as the one probe, or wait. */
export type BreakerDecision = { kind: 'closed' } | { kind: 'probe' } | { kind: 'open'; waitMs: number };

/** An origin's breaker as stored in Redis. */
export interface BreakerState {
  failures: number;
  /** Epoch ms (Redis time) until which deliveries wait; 0 while the breaker is closed. */
  openUntil: number;
  cooldownMs: number;
}

/** Consecutive failures are remembered this long without news from the origin. */
const STATE_TTL_MS = 24 * 3600_000;
/** A probe slot outlives its request by this much; a probing worker that died frees it when it expires. */
const PROBE_MARGIN_MS = 1000;
/** Open states cached in-process are dropped once this many origins are cached (cheap bound). */
const MAX_CACHED_ORIGINS = 10_000;
/**
 * An origin seen closed with no failures is trusted that long without asking Redis again: a healthy
 * origin then costs no Redis round trip per delivery. A breaker another replica opens meanwhile is
 * seen that much later; failures this process records end the trust at once.
 */
const CLEAN_TRUST_MS = 250;

const NOW_MS = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/**
 * KEYS: state hash, probe key; ARGV: probe slot ttl. Returns {0, failures} closed, {1, waitMs} open, {2} this
 * caller is the probe. Once the cool-down is over one caller wins the probe slot (SET NX); the others
 * wait until the probe's slot expires, by when it has settled the breaker.
 */
const CHECK_SCRIPT = `${NOW_MS}
local state = redis.call('HMGET', KEYS[1], 'open_until', 'failures')
local openUntil = tonumber(state[1] or '0')
if openUntil == 0 then return {0, tonumber(state[2] or '0')} end
if now < openUntil then return {1, openUntil - now} end
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[1]) then return {2, 0} end
return {1, math.max(redis.call('PTTL', KEYS[2]), 1)}
`;

/** KEYS: state hash, probe key. Any success closes the breaker and forgets the failures. */
const SUCCESS_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('DEL', KEYS[1], KEYS[2]) end
return 0
`;

/**
 * KEYS: state hash, probe key; ARGV: threshold, base cool-down, max cool-down, state ttl, was probe.
 * Counts the failure; opens the breaker at the threshold, and reopens it with a doubled cool-down
 * when the probe (or any attempt after the cool-down) failed. Returns {opened, cooldownMs, failures}.
 */
const FAILURE_SCRIPT = `${NOW_MS}
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local openUntil = tonumber(redis.call('HGET', KEYS[1], 'open_until') or '0')
local cooldown = tonumber(redis.call('HGET', KEYS[1], 'cooldown') or '0')
local base = tonumber(ARGV[2])
local opened = 0
if ARGV[5] == '1' or (openUntil > 0 and now >= openUntil) then
  cooldown = math.min(math.max(cooldown * 2, base), tonumber(ARGV[3]))
  opened = 1
elseif openUntil == 0 and failures >= tonumber(ARGV[1]) then
  cooldown = base
  opened = 1
end
if opened == 1 then
  redis.call('HSET', KEYS[1], 'open_until', now + cooldown, 'cooldown', cooldown)
  redis.call('DEL', KEYS[2])
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {opened, cooldown, failures}
`;

type BreakerRedis = RedisClient & {
  breakerCheck(state: string, probe: string, probeTtlMs: number): Promise<[number, number]>;
  breakerSuccess(state: string, probe: string): Promise<number>;
  breakerFailure(
    state: string,
    probe: string,
    threshold: number,
    baseMs: number,
    maxMs: number,
    ttlMs: number,
    wasProbe: string,
  ): Promise<[number, number, number]>;
};

/**
 * A circuit breaker per target origin, shared by every worker replica through Redis: after
 * BREAKER_FAILURES consecutive failed attempts the origin's deliveries wait out a cool-down
 * (BREAKER_COOLDOWN_MS, doubling after each failed probe up to 10 minutes), then a single probe
 * decides: success closes the breaker, failure opens it again for longer.
 *
 * A check is one Redis round trip; an origin known to be open is answered from memory until its
 * cool-down ends, so a backlog for a dead endpoint costs Redis nothing while it waits, and one seen
 * healthy is trusted for CLEAN_TRUST_MS, so a healthy endpoint's deliveries cost Redis nothing either.
 */
@Injectable()
export class CircuitBreaker {
  private readonly redis: BreakerRedis;
  private readonly threshold: number;
  private readonly baseCooldownMs: number;
  private readonly probeTtlMs: number;
  /** Origins known to be open: until when (local epoch ms) their deliveries wait. */
  private readonly openUntil = new Map<string, number>();
  /** Origins seen closed without failures: until when (local epoch ms) that is trusted. */
  private readonly cleanUntil = new Map<string, number>();

  constructor(
    @Inject(HOOKLINE_CONFIG) config: HooklineConfig,
    private readonly connection: EndpointHealthRedis,
  ) {
    this.threshold = config.breakerFailures;
    this.baseCooldownMs = config.breakerCooldownMs;
    this.probeTtlMs = config.requestTimeoutMs + PROBE_MARGIN_MS;
    this.redis = connection.client as BreakerRedis;
    this.redis.defineCommand('breakerCheck', { numberOfKeys: 2, lua: CHECK_SCRIPT });
    this.redis.defineCommand('breakerSuccess', { numberOfKeys: 2, lua: SUCCESS_SCRIPT });
    this.redis.defineCommand('breakerFailure', { numberOfKeys: 2, lua: FAILURE_SCRIPT });
  }

  get enabled(): boolean {
    return this.threshold > 0;
  }

  async check(origin: string): Promise<BreakerDecision> {
    if (this.isKnownClean(origin)) return { kind: 'closed' };
    const cachedUntil = this.openUntil.get(origin);
    if (cachedUntil !== undefined) {
      if (cachedUntil > Date.now()) return { kind: 'open', waitMs: cachedUntil - Date.now() };
      this.openUntil.delete(origin);
    }
    const [state, waitMs] = await this.redis.breakerCheck(this.stateKey(origin), this.probeKey(origin), this.probeTtlMs);
    if (state === 2) return { kind: 'probe' };
    if (state === 1) {
      this.remember(origin, Date.now() + waitMs);
      return { kind: 'open', waitMs };
    }
    // Closed; waitMs carries the failure count here.
    if (waitMs === 0) this.trustClean(origin);
    return { kind: 'closed' };
  }

  /** Closes the breaker and forgets its failures; nothing to write for an origin known to be clean. */
  async recordSuccess(origin: string): Promise<void> {
    if (this.isKnownClean(origin)) return;
    this.openUntil.delete(origin);
    await this.redis.breakerSuccess(this.stateKey(origin), this.probeKey(origin));
  }

  /** Counts a failed attempt; says whether it opened (or reopened) the breaker, and for how long. */
  async recordFailure(origin: string, wasProbe: boolean): Promise<{ opened: boolean; cooldownMs: number; failures: number }> {
    this.cleanUntil.delete(origin);
    const [opened, cooldownMs, failures] = await this.redis.breakerFailure(
      this.stateKey(origin),
      this.probeKey(origin),
      this.threshold,
      this.baseCooldownMs,
      MAX_BREAKER_COOLDOWN_MS,
      STATE_TTL_MS,
      wasProbe ? '1' : '0',
    );
    if (opened === 1) this.remember(origin, Date.now() + cooldownMs);
    return { opened: opened === 1, cooldownMs, failures };
  }

  /** Frees the probe slot of a probe that was not sent after all (held back by its rate limit). */
  async releaseProbe(origin: string): Promise<void> {
    await this.connection.client.del(this.probeKey(origin));
  }

  /** The stored state of an origin's breaker, or null when it has none (closed, no failures). */
  async state(origin: string): Promise<BreakerState | null> {
    const fields = await this.connection.client.hgetall(this.stateKey(origin));
    if (Object.keys(fields).length === 0) return null;
    return { failures: Number(fields.failures ?? 0), openUntil: Number(fields.open_until ?? 0), cooldownMs: Number(fields.cooldown ?? 0) };
  }

  private isKnownClean(origin: string): boolean {
    const until = this.cleanUntil.get(origin);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.cleanUntil.delete(origin);
    return false;
  }

  private trustClean(origin: string): void {
    if (this.cleanUntil.size >= MAX_CACHED_ORIGINS) this.cleanUntil.clear();
    this.cleanUntil.set(origin, Date.now() + CLEAN_TRUST_MS);
  }

  private remember(origin: string, until: number): void {
    if (this.openUntil.size >= MAX_CACHED_ORIGINS) this.openUntil.clear();
    this.openUntil.set(origin, until);
  }

  private stateKey(origin: string): string {
    return this.connection.key('breaker', origin);
  }

  private probeKey(origin: string): string {
    return this.connection.key('breaker-probe', origin);
  }
}
