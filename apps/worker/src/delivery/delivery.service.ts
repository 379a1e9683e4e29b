import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Attributes } from '@opentelemetry/api';
import { HOOKLINE_CONFIG, type HooklineConfig } from '@app/config';
import type { ClaimedDelivery, DeliveryWithContext } from '@app/database/repositories/delivery-context';
import { DeliveryRepository, type SubscriptionChange } from '@app/database/repositories/delivery.repository';
import { DeliveryClaims } from './delivery-claims';
import { DeliveryStore } from './delivery-store';
import { newId } from '@app/domain/ids';
import { buildDeliveryRequest } from '@app/domain/payload';
import type { RetryPolicy } from '@app/domain/retry-policy';
import { MetricsService, Tracing } from '@app/observability';
import { EndpointHealthService, type Admission, type AttemptPass } from '../endpoint-health/endpoint-health.service';
import { attemptOutcomeLabel } from '../observability/attempt-outcome';
import { DeliveryHttpClient } from './delivery-http-client';
import { decideOutcome, type Outcome } from './delivery-outcome';
import { OrderedSuccessors } from './ordered-successors';
import { SigningKeys } from './signing-keys';
import { hooklineUserAgent } from './user-agent';

/** What the queue must do after a delivery job: nothing, or run it again at `retryAt`. */
export type DeliveryResult = { retryAt: Date } | { retryAt?: undefined };

const FINISHED = new Set(['delivered', 'failed', 'cancelled']);

/** Makes one HTTP attempt of a delivery and records it; PostgreSQL holds the state, not the job. */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);
  private readonly userAgent = hooklineUserAgent();
  private readonly policy: RetryPolicy;

  constructor(
    @Inject(HOOKLINE_CONFIG) private readonly config: HooklineConfig,
    private readonly deliveries: DeliveryRepository,
    private readonly store: DeliveryStore,
    private readonly claims: DeliveryClaims,
    private readonly http: DeliveryHttpClient,
    private readonly signingKeys: SigningKeys,
    private readonly metrics: MetricsService,
    private readonly endpointHealth: EndpointHealthService,
    private readonly orderedSuccessors: OrderedSuccessors,
    private readonly tracing: Tracing,
  ) {
    this.policy = { baseMs: config.retryBaseMs, factor: config.retryFactor, maxDelayMs: config.retryMaxDelayMs };
  }

  /**
   * A delivery job: claims the delivery and attempts it, unless it has ended, waits behind its
   * ordering key, is not due yet or is held by another claim (then the job looks again when that
   * claim ends or lapses). Database errors propagate (the job is retried by BullMQ).
   */
  async deliver(deliveryId: string): Promise<DeliveryResult> {
    const delivery = await this.claims.claim(deliveryId);
    if (!delivery) {
      this.logger.warn({ delivery_id: deliveryId, msg: 'delivery not found; job dropped' });
      return {};
    }
    if (!delivery.claimed) return notClaimed(delivery, this.claims.ttlMs);
    return this.deliverClaimed(delivery);
  }

  /**
   * Attempts a delivery this worker has claimed, unless its subscription is gone, and releases the
   * claim (recording the attempt clears it). Receiver failures are outcomes, recorded and retried by
   * policy; database errors propagate and leave the claim to lapse.
   */
  async deliverClaimed(delivery: DeliveryWithContext): Promise<DeliveryResult> {
    try {
      const { subscription, event } = delivery;
      const isTestEvent = event.targetSubscriptionId === subscription.id;
      if (subscription.deletedAt) return await this.cancel(delivery, 'subscription deleted');
      if (!subscription.isActive && !isTestEvent) return await this.cancel(delivery, 'subscription inactive');
      // Circuit breaker of the target origin and the subscription's rate limit: waiting is not an attempt.
      const admission = await this.endpointHealth.admit(delivery);
      if (admission.postponeUntil) return await this.postpone(delivery, admission);
      return await this.attempt(delivery, admission.pass);
    } finally {
      this.claims.forget(delivery.id);
    }
  }

  private async attempt(delivery: DeliveryWithContext, pass: AttemptPass): Promise<DeliveryResult> {
    const { subscription, event } = delivery;
    const attempt = delivery.attempts + 1;
    const startedAt = new Date();
    // Every attempt (retries too) is a child span of the event's intake span: one trace per event.
    const span = this.tracing.client('POST', event.traceparent, () => attemptAttributes(delivery, subscription.url, attempt));
    const request = buildDeliveryRequest({
      event,
      target: subscription,
      ...this.signingKeys.of(subscription, startedAt),
      attempt,
      now: startedAt,
      userAgent: this.userAgent,
      tokenHeader: this.config.webhookTokenHeader,
      traceparent: span.traceparent,
    });

    const result = await this.http.post(subscription.url, request.body, request.headers);
    span.end(
      result.status !== null ? { 'http.response.status_code': result.status } : undefined,
      result.error?.message ?? (result.status !== null && result.status >= 400 ? String(result.status) : undefined),
    );
    const outcome = decideOutcome({
      result,
      attempt,
      maxAttempts: subscription.maxAttempts ?? this.config.retryMaxAttempts,
      policy: this.policy,
      now: new Date(),
    });

    const updated = await this.store.recordAttempt(
      delivery,
      {
        id: newId('att'),
        attempt,
        url: subscription.url,
        startedAt,
        durationMs: result.durationMs,
        responseStatus: result.status,
        responseBody: result.body,
        errorMessage: outcome.errorMessage ?? result.error?.message ?? null,
        success: outcome.success,
      },
      {
        status: outcome.status,
        responseStatus: result.status,
        errorMessage: outcome.errorMessage,
        lastAttemptAt: startedAt,
        nextAttemptAt: outcome.nextAttemptAt,
      },
      subscriptionChange(outcome, subscription.failingSince),
    );
    this.logAttempt(delivery, attempt, outcome, updated);
    if (updated && FINISHED.has(outcome.status)) await this.afterEnd(delivery);
    const outcomeLabel = attemptOutcomeLabel(outcome, result);
    this.metrics.recordAttempt(outcomeLabel, result.durationMs / 1000);
    await this.endpointHealth.afterAttempt(pass, { sent: outcomeLabel !== 'blocked', success: outcome.success }, subscription);
    // A delivery cancelled or completed elsewhere meanwhile keeps that state: no retry.
    return updated && outcome.nextAttemptAt ? { retryAt: outcome.nextAttemptAt } : {};
  }

  private async postpone(
    delivery: DeliveryWithContext,
    { postponeUntil, cause, reason }: Extract<Admission, { postponeUntil: Date }>,
  ): Promise<DeliveryResult> {
    if (!(await this.deliveries.postpone(delivery.id, postponeUntil))) return {};
    this.metrics.recordPostponed(cause);
    this.logger.debug({ ...logIds(delivery), postponed_until: postponeUntil.toISOString(), reason, msg: 'delivery postponed' });
    return { retryAt: postponeUntil };
  }

  private async cancel(delivery: DeliveryWithContext, reason: string): Promise<DeliveryResult> {
    if (await this.deliveries.cancel(delivery.id, reason)) {
      this.metrics.recordDeliveryOutcome('cancelled');
      this.logger.log({ ...logIds(delivery), reason, msg: 'delivery cancelled' });
      await this.afterEnd(delivery);
    }
    return {};
  }

  /** The next delivery of an ordered key goes now that this one ended. */
  private async afterEnd(delivery: DeliveryWithContext): Promise<void> {
    if (delivery.orderingKey !== null) await this.orderedSuccessors.afterEnd({ subscriptionId: delivery.subscriptionId, orderingKey: delivery.orderingKey });
  }

  private logAttempt(delivery: DeliveryWithContext, attempt: number, outcome: Outcome, updated: boolean): void {
    const fields = { ...logIds(delivery), attempt, status: outcome.status };
    if (!updated) {
      this.logger.warn({ ...fields, msg: 'attempt recorded, but the delivery had meanwhile ended or been cancelled' });
    } else if (outcome.status === 'delivered') {
      this.logger.debug({ ...fields, msg: 'delivered' });
    } else if (outcome.status === 'retrying') {
      this.logger.log({
        ...fields,
        error_message: outcome.errorMessage,
        next_attempt_at: outcome.nextAttemptAt?.toISOString(),
        msg: 'attempt failed; retrying',
      });
    } else {
      this.logger.warn({ ...fields, error_message: outcome.errorMessage, disabled_reason: outcome.disabledReason, msg: 'delivery failed' });
    }
  }
}

/**
 * What a job does with a delivery it could not claim: nothing once it ended or while it waits behind
 * its ordering key (it is enqueued again when released); else it looks again when the delivery is due
 * or when the claim holding it ends or lapses (a claim taken at the same instant: one claim later).
 */
function notClaimed(delivery: ClaimedDelivery, claimTtlMs: number): DeliveryResult {
  if (FINISHED.has(delivery.status) || delivery.blockedBy) return {};
  const now = Date.now();
  if (delivery.claimedUntil && delivery.claimedUntil.getTime() > now) return { retryAt: delivery.claimedUntil };
  if (delivery.nextAttemptAt && delivery.nextAttemptAt.getTime() > now) return { retryAt: delivery.nextAttemptAt };
  return { retryAt: new Date(now + claimTtlMs) };
}

/** The ids every delivery log line carries, as fields (never payloads or secrets). */
function logIds(delivery: DeliveryWithContext) {
  return { delivery_id: delivery.id, event_id: delivery.eventId, subscription_id: delivery.subscriptionId };
}

/** What an attempt span says: never the URL's path or query, the headers or the body. */
function attemptAttributes(delivery: DeliveryWithContext, url: string, attempt: number): Attributes {
  return {
    'http.request.method': 'POST',
    'server.address': serverAddress(url),
    'hookline.event_id': delivery.eventId,
    'hookline.delivery_id': delivery.id,
    'hookline.subscription_id': delivery.subscriptionId,
    'hookline.attempt': attempt,
  };
}

function serverAddress(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

/** Deactivation on 410, and the run of failures auto-disable measures (written only when it changes). */
function subscriptionChange(outcome: Outcome, failingSince: Date | null): SubscriptionChange {
  const change: SubscriptionChange = {};
  if (outcome.disabledReason) change.disabledReason = outcome.disabledReason;
  if (outcome.success && failingSince) change.failingSince = 'clear';
  if (!outcome.success && !failingSince) change.failingSince = 'start';
  return change;
}
