import { Injectable, Logger } from '@nestjs/common';
import type { DeliveryWithContext } from '@app/database/repositories/delivery-context';
import { AutoDisableService } from './auto-disable.service';
import { CircuitBreaker } from './circuit-breaker';
import { DeliveryRateLimiter } from './delivery-rate-limiter';
import { EndpointHealthRedis } from './endpoint-health-redis';
import { targetOrigin } from './target-origin';

/** Spread of the wake-ups of deliveries waiting for one breaker: up to this share of the wait... */
const WAKE_JITTER_SHARE = 0.1;
/** ...and at most this much. */
const MAX_WAKE_JITTER_MS = 5_000;

/** Leave to send one attempt; hand it back to afterAttempt. */
export interface AttemptPass {
  origin: string | null;
  /** This attempt is its origin's breaker probe. */
  probe: boolean;
}

/** Whether a delivery may be attempted now, or must wait (not an attempt) until `postponeUntil`. */
/** Why a delivery waits without an attempt (a metric label: keep the set small). */
export type PostponeCause = 'circuit_breaker' | 'rate_limit';

export type Admission = { postponeUntil: Date; cause: PostponeCause; reason: string; pass?: undefined } | { postponeUntil?: undefined; pass: AttemptPass };

export interface AttemptReport {
  /** A request went out (false when the SSRF guard or an unusable URL stopped it). */
  sent: boolean;
  success: boolean;
}

/**
 * The delivery path's guards for failing and busy endpoints: the circuit breaker of the target origin
 * and the subscription's rate_limit_per_second before an attempt; after it, the breaker's count and
 * the auto-disable check. Redis trouble never stops a delivery: the guards fail open.
 */
@Injectable()
export class EndpointHealthService {
  private readonly logger = new Logger(EndpointHealthService.name);

  constructor(
    private readonly redis: EndpointHealthRedis,
    private readonly breaker: CircuitBreaker,
    private readonly rateLimiter: DeliveryRateLimiter,
    private readonly autoDisable: AutoDisableService,
  ) {}

  async admit(delivery: Pick<DeliveryWithContext, 'id' | 'subscription'>): Promise<Admission> {
    const { subscription } = delivery;
    const origin = this.breaker.enabled ? targetOrigin(subscription.url) : null;
    let probe = false;
    if (origin) {
      const decision = await this.guarded(() => this.breaker.check(origin), { kind: 'closed' as const });
      if (decision.kind === 'open') return postpone(decision.waitMs + wakeJitter(decision.waitMs), 'circuit_breaker', `circuit breaker open for ${origin}`);
      probe = decision.kind === 'probe';
    }
    const perSecond = subscription.rateLimitPerSecond;
    if (perSecond) {
      const waitMs = await this.guarded(() => this.rateLimiter.reserve(subscription.id, delivery.id, perSecond), 0);
      if (waitMs > 0) {
        // A probe held back by the rate limit frees its slot for another delivery to the origin.
        if (probe && origin) await this.guarded(() => this.breaker.releaseProbe(origin), undefined);
        return postpone(waitMs, 'rate_limit', `rate limit of ${perSecond}/s`);
      }
    }
    return { pass: { origin, probe } };
  }

  async afterAttempt(pass: AttemptPass, report: AttemptReport, subscription: { id: string; failingSince: Date | null }): Promise<void> {
    const { origin } = pass;
    if (origin && report.sent) {
      if (report.success) {
        await this.guarded(() => this.breaker.recordSuccess(origin), undefined);
      } else {
        const result = await this.guarded(() => this.breaker.recordFailure(origin, pass.probe), undefined);
        if (result?.opened) {
          const why = pass.probe ? 'its probe failed' : `${result.failures} consecutive failed attempts`;
          this.logger.warn(`circuit breaker for ${origin} open for ${result.cooldownMs} ms: ${why}`);
        }
      }
    } else if (origin && pass.probe) {
      await this.guarded(() => this.breaker.releaseProbe(origin), undefined);
    }
    if (!report.success) {
      // The periodic check catches what this one misses (PostgreSQL briefly away).
      await this.autoDisable.afterFailedAttempt(subscription).catch((error: Error) => {
        this.logger.warn(`auto-disable check of subscription ${subscription.id} failed: ${error.message}`);
      });
    }
  }

  /** Runs a Redis guard; on a Redis error logs (once per outage) and goes on with `fallback`. */
  private async guarded<T>(run: () => Promise<T>, fallback: T): Promise<T> {
    try {
      const result = await run();
      this.redis.noteSuccess();
      return result;
    } catch (error) {
      this.redis.noteFailure(error as Error);
      return fallback;
    }
  }
}

function postpone(waitMs: number, cause: PostponeCause, reason: string): Admission {
  return { postponeUntil: new Date(Date.now() + Math.max(1, Math.ceil(waitMs))), cause, reason };
}

/** Deliveries postponed by one open breaker would all wake at once when it ends; this spreads them. */
function wakeJitter(waitMs: number): number {
  return Math.random() * Math.min(waitMs * WAKE_JITTER_SHARE, MAX_WAKE_JITTER_MS);
}
