import { Inject, Injectable } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { QueueName } from '@app/queue';
import { withTimeout } from '@app/domain/with-timeout';

export const METRIC_PREFIX = 'hookline_';

/** What became of a delivery: after an attempt (delivered, retrying, failed, blocked) or without one (cancelled). */
export type DeliveryOutcomeLabel = 'delivered' | 'retrying' | 'failed' | 'blocked' | 'cancelled';
const DELIVERY_OUTCOMES: DeliveryOutcomeLabel[] = ['delivered', 'retrying', 'failed', 'blocked', 'cancelled'];
const ATTEMPT_OUTCOMES: DeliveryOutcomeLabel[] = ['delivered', 'retrying', 'failed', 'blocked'];

export const QUEUE_STATES = ['waiting', 'delayed', 'active', 'failed'] as const;
/** A scrape must answer while Redis is away: the queue gauges are left out rather than waited for. */
const QUEUE_COUNT_TIMEOUT_MS = 1000;
/** Rejection reasons become label values: keep them few and tidy. */
const REASON_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;

/**
 * Hookline's Prometheus metrics, in a registry of its own per application (so an API and a worker
 * can share a process, as they do in the tests) with the default process metrics under the prefix.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  private readonly deliveries = new Counter({
    name: `${METRIC_PREFIX}deliveries_total`,
    help: 'Deliveries by outcome: each attempt counts once (delivered, retrying, failed, blocked); cancelled ones ended without an attempt.',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  private readonly attemptDuration = new Histogram({
    name: `${METRIC_PREFIX}attempt_duration_seconds`,
    help: 'Duration of delivery attempts (HTTP request to the receiver), by outcome.',
    labelNames: ['outcome'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
    registers: [this.registry],
  });

  private readonly deliveriesPostponed = new Counter({
    name: `${METRIC_PREFIX}deliveries_postponed_total`,
    help: 'Deliveries held back without an attempt, by cause (circuit_breaker, rate_limit).',
    labelNames: ['cause'],
    registers: [this.registry],
  });

  private readonly eventsAccepted = new Counter({
    name: `${METRIC_PREFIX}events_accepted_total`,
    help: 'Events accepted for delivery (HTTP intake and events published over Redis).',
    registers: [this.registry],
  });

  private readonly eventsRejected = new Counter({
    name: `${METRIC_PREFIX}events_rejected_total`,
    help: 'Events refused at intake, by reason.',
    labelNames: ['reason'],
    registers: [this.registry],
  });

  private readonly attemptSeriesByOutcome = new Map<DeliveryOutcomeLabel, { count: { inc(): void }; duration?: { observe(value: number): void } }>();

  constructor(@Inject(getQueueToken(QueueName.Intake)) intake: Queue, @Inject(getQueueToken(QueueName.Deliveries)) deliveries: Queue) {
    collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
    // Series exist from the start (at 0), so rate() works before the first occurrence.
    for (const outcome of DELIVERY_OUTCOMES) this.deliveries.inc({ outcome }, 0);
    for (const cause of ['circuit_breaker', 'rate_limit']) this.deliveriesPostponed.inc({ cause }, 0);
    this.registerQueueGauge([intake, deliveries]);
  }

  /** One HTTP attempt of a delivery and what it led to. */
  recordAttempt(outcome: DeliveryOutcomeLabel, durationSeconds: number): void {
    const series = this.attemptSeries(outcome);
    series.count.inc();
    series.duration?.observe(Math.max(0, durationSeconds));
  }

  /** The labelled series of an outcome, looked up once: prom-client hashes the labels on every call otherwise. */
  private attemptSeries(outcome: DeliveryOutcomeLabel) {
    let series = this.attemptSeriesByOutcome.get(outcome);
    if (!series) {
      series = {
        count: this.deliveries.labels({ outcome }),
        duration: ATTEMPT_OUTCOMES.includes(outcome) ? this.attemptDuration.labels({ outcome }) : undefined,
      };
      this.attemptSeriesByOutcome.set(outcome, series);
    }
    return series;
  }

  /** A delivery ended without an attempt (cancelled). */
  recordDeliveryOutcome(outcome: DeliveryOutcomeLabel): void {
    this.deliveries.inc({ outcome });
  }

  /** A delivery made to wait by an open circuit breaker or its subscription's rate limit (not an attempt). */
  recordPostponed(cause: string): void {
    this.deliveriesPostponed.inc({ cause });
  }

  eventAccepted(count = 1): void {
    this.eventsAccepted.inc(count);
  }

  /** `reason` is a short snake_case word (validation, schema, idempotency_conflict, ...). */
  eventRejected(reason = 'invalid'): void {
    this.eventsRejected.inc({ reason: REASON_PATTERN.test(reason) ? reason : 'other' });
  }

  /** The Prometheus text exposition of every metric. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private registerQueueGauge(queues: Queue[]): void {
    new Gauge({
      name: `${METRIC_PREFIX}queue_jobs`,
      help: 'Jobs in each queue by state, read from Redis at scrape time (absent while Redis does not answer).',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        await Promise.all(
          queues.map(async (queue) => {
            const counts = await withTimeout(queue.getJobCounts(...QUEUE_STATES), QUEUE_COUNT_TIMEOUT_MS).catch(() => undefined);
            if (!counts) return;
            for (const state of QUEUE_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
          }),
        );
      },
    });
  }
}
