import { Injectable, Logger } from '@nestjs/common';
import {
  FanOutRepository,
  type CreatedDeliveries,
  type FanOutCandidate,
  type FanOutEvent,
  type NewDelivery,
} from '@app/database/repositories/fan-out.repository';
import { MicroBatcher, settleEach } from '@app/domain/micro-batcher';
import { CompiledFilterCache, filterSubject, type FilterPredicate } from '@app/domain/payload-filter';
import { Tracing, type TraceSpan } from '@app/observability';
import { orderingKeyOf } from '@app/domain/ordering-key';
import { DeliveryDispatcher } from '../delivery/delivery-dispatcher';
import { receivesEvent, type MatchableEvent } from './target-matching';

/** How long a fan-out waits for others to share its queries (jobs arrive back to back under load). */
const BATCH_WAIT_MS = 2;
/** Events per batch at most. */
const MAX_BATCH_EVENTS = 200;
/** A batch intake job with this many events is fanned out as a batch of its own. */
const MIN_OWN_BATCH_EVENTS = MAX_BATCH_EVENTS / 2;
/**
 * Batches in flight at once. An intake job may name 500 events and a worker runs many jobs at once:
 * unbounded, a burst fanned out to 10 subscriptions held ~1 GB of queries and delivery jobs in
 * flight (bench scenario 3); a few batches keep PostgreSQL and Redis just as busy.
 */
const MAX_CONCURRENT_BATCHES = 4;
/**
 * Ordered deliveries follow acceptance order, but intake jobs run concurrently: a batch with ordered
 * deliveries first waits (polling) for the earlier events of its organizations accepted up to this
 * long before it, and at most this long. Past that an unfanned event is taken for a lost job (left
 * to the outbox sweeper), not one in flight: with a 2 s bound, a loaded 2-core test machine saw
 * later batches overtake stalled earlier ones.
 */
const EARLIER_EVENTS_HORIZON_MS = 10_000;
const EARLIER_EVENTS_POLL_MS = 10;
/** Subscriptions whose compiled payload filter a worker keeps; an evicted one is compiled again (~10 µs). */
const MAX_CACHED_FILTERS = 10_000;

type MatchingEvent = FanOutEvent & MatchableEvent;
type MatchingCandidate = FanOutCandidate & { payloadFilter: FilterPredicate | null };

/**
 * Turns events into deliveries, a batch at a time: one query for the events and their candidate
 * subscriptions, and one statement that creates every delivery already claimed and answers what
 * their attempts need, for the dispatcher, which sends the first attempts in this worker. Concurrent
 * single-event jobs are collected into batches; a batch job is one already. Each job completes only
 * once its deliveries are stored and claimed.
 */
@Injectable()
export class FanOutService {
  private readonly logger = new Logger(FanOutService.name);
  private readonly batcher = new MicroBatcher<string, void>(
    (eventIds) =>
      // One by one in the batch's order when it fails: the events of a batch job share one
      // created_at, so concurrent single fan-outs could chain an ordering key out of order.
      settleEach(
        eventIds,
        (all) => this.fanOutBatch(all),
        (one) => this.fanOutBatch([one]).then(() => undefined),
        { inOrder: true },
      ),
    { maxItems: MAX_BATCH_EVENTS, maxWaitMs: BATCH_WAIT_MS, maxConcurrentBatches: MAX_CONCURRENT_BATCHES },
  );

  constructor(
    private readonly repository: FanOutRepository,
    private readonly dispatcher: DeliveryDispatcher,
    private readonly tracing: Tracing,
  ) {}

  private readonly payloadFilters = new CompiledFilterCache(MAX_CACHED_FILTERS, (subscriptionId, details) =>
    this.logger.error({ subscription_id: subscriptionId, details, msg: 'stored payload filter no longer parses; it matches no event' }),
  );

  /**
   * Creates one delivery per matching subscription and dispatches the event's open deliveries. Safe to
   * run twice: existing (event, subscription) pairs are kept and a delivery in flight stays claimed.
   */
  fanOut(eventId: string): Promise<void> {
    return this.batcher.add(eventId);
  }

  /**
   * Fans out events that arrived together (a batch intake job): a large batch as one batch of its
   * own, a small one joined with whatever else is being collected (in its order). Kept apart, small
   * batch jobs at a steady rate (a few events every 10 ms) each paid a fan-out's round trips and
   * queued behind MAX_CONCURRENT_BATCHES: bench scenario 4 fell behind at 600 events/s. Never split:
   * the job's events share one created_at, so two batches holding parts of it would not wait for
   * each other (waitForEarlierEvents) and could chain an ordering key's deliveries out of order.
   */
  async fanOutMany(eventIds: string[]): Promise<void> {
    if (eventIds.length >= MIN_OWN_BATCH_EVENTS) await this.batcher.addBatch(eventIds);
    else await this.batcher.addAll(eventIds);
  }

  private async fanOutBatch(eventIds: string[]): Promise<void[]> {
    const batch = await this.repository.findBatch(eventIds);
    const found = inAcceptanceOrder(eventIds, batch.events);
    const foundIds = new Set(found.map((event) => event.id));
    const missing = eventIds.filter((id) => !foundIds.has(id));
    for (const id of missing) this.logger.warn({ event_id: id, msg: 'event not found; intake job dropped' });
    const events = found.filter((event) => event.status === 'accepted');
    const deferred = await this.acceptedAfterAnotherBatch(events, batch.candidates);
    if (deferred.size > 0) {
      await this.fanOutBatch(eventIds.filter((id) => !deferred.has(id)));
      await this.fanOutBatch(eventIds.filter((id) => deferred.has(id)));
      return eventIds.map(() => undefined);
    }
    if (events.length > 0) {
      const spans = this.startSpans(events);
      try {
        const toMatch = events.filter((event) => event.needsMatching);
        const candidates = this.withPayloadFilters(batch.candidates);
        const matching = await this.withFilterSubjects(toMatch, candidates);
        const deliveries = matching.flatMap((event) => matchTargets(event, candidates));
        if (deliveries.some((delivery) => delivery.orderingKey !== null)) await this.waitForEarlierEvents(toMatch);
        await this.dispatcher.reserve(deliveries.length);
        const claimedAt = Date.now();
        let created: CreatedDeliveries;
        try {
          created = await this.repository.createDeliveries(
            deliveries,
            toMatch.map((event) => event.id),
            events.map((event) => event.id),
            this.dispatcher.claimTtlMs,
          );
        } catch (error) {
          this.dispatcher.cancel(deliveries.length);
          throw error;
        }
        await this.dispatcher.dispatch(deliveries.length, created, claimedAt);
        this.logger.debug({
          events: events.length,
          matched: toMatch.length,
          deliveries: created.claimed.length + created.open.length,
          msg: 'fan-out batch: deliveries dispatched',
        });
        endSpans(spans, deliveries);
      } catch (error) {
        endSpans(spans, [], error instanceof Error ? error.message : String(error));
        throw error;
      }
    }
    return eventIds.map(() => undefined);
  }

  /**
   * The events of this batch to fan out after the rest, when ordered deliveries may be created: those
   * accepted after an event another batch has not fanned out yet. Chained now, they would go ahead of
   * it (a batch may join intake jobs around another one's); the rest go first, then they wait for it
   * like any batch (waitForEarlierEvents). That other batch waits only for events older than its own.
   */
  private async acceptedAfterAnotherBatch(events: FanOutEvent[], candidates: FanOutCandidate[]): Promise<Set<string>> {
    const toMatch = events.filter((event) => event.needsMatching);
    if (toMatch.length < 2 || !candidates.some((candidate) => candidate.ordering === 'per_key')) return new Set();
    const times = toMatch.map((event) => event.createdAt.getTime());
    const organizationIds = [...new Set(toMatch.map((event) => event.organizationId))];
    const first = await this.repository.firstUnfannedBetween(
      organizationIds,
      new Date(Math.min(...times)),
      new Date(Math.max(...times)),
      events.map((event) => event.id),
    );
    return first ? new Set(events.filter((event) => event.createdAt >= first).map((event) => event.id)) : new Set();
  }

  /** Lets the fan-outs of events accepted before this batch go first (bounded; see EARLIER_EVENTS_HORIZON_MS). */
  private async waitForEarlierEvents(events: FanOutEvent[]): Promise<void> {
    const oldest = new Date(Math.min(...events.map((event) => event.createdAt.getTime())));
    const organizationIds = [...new Set(events.map((event) => event.organizationId))];
    const ids = events.map((event) => event.id);
    const deadline = Date.now() + EARLIER_EVENTS_HORIZON_MS;
    const since = new Date(oldest.getTime() - EARLIER_EVENTS_HORIZON_MS);
    while (await this.repository.hasEarlierUnfanned(organizationIds, since, oldest, ids)) {
      if (Date.now() >= deadline) {
        this.logger.warn({ events: ids.length, msg: 'earlier events still not fanned out; ordered deliveries chained without them' });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, EARLIER_EVENTS_POLL_MS));
    }
  }

  /** Each candidate with its compiled payload filter (compiled once per subscription version). */
  private withPayloadFilters(candidates: FanOutCandidate[]): MatchingCandidate[] {
    return candidates.map((candidate) => ({ ...candidate, payloadFilter: candidate.filter == null ? null : this.payloadFilters.predicateFor(candidate) }));
  }

  /**
   * Adds what payload filters read to the events that may meet one (a filtering subscription of
   * their organization; test events ignore filters): one query, and none in a batch without filters.
   */
  private async withFilterSubjects(events: FanOutEvent[], candidates: MatchingCandidate[]): Promise<MatchingEvent[]> {
    const filteringOrganizations = new Set(candidates.filter((candidate) => candidate.payloadFilter).map((candidate) => candidate.organizationId));
    const filtered = events.filter((event) => !event.targetSubscriptionId && filteringOrganizations.has(event.organizationId));
    if (filtered.length === 0) return events;
    const rows = new Map((await this.repository.findFilterableEvents(filtered.map((event) => event.id))).map((row) => [row.id, row]));
    return events.map((event) => {
      const row = rows.get(event.id);
      return row ? { ...event, subject: filterSubject({ ...event, ...row }) } : event;
    });
  }

  /**
   * One span per event, a child of the event's intake span, so each event's trace shows its own
   * fan-out (the batch shares the queries, so its spans share their timing). None without the SDK.
   */
  private startSpans(events: FanOutEvent[]): [FanOutEvent, TraceSpan][] {
    if (!this.tracing.recording) return [];
    return events.map((event) => [
      event,
      this.tracing.consumer('fan-out', event.traceparent, { 'hookline.event_id': event.id, 'hookline.batch.events': events.length })!,
    ]);
  }
}

/** Ends the fan-out spans with the number of deliveries each event got (or the batch's error). */
function endSpans(spans: [FanOutEvent, TraceSpan][], deliveries: NewDelivery[], error?: string): void {
  if (spans.length === 0) return;
  const created = new Map<string, number>();
  for (const delivery of deliveries) created.set(delivery.eventId, (created.get(delivery.eventId) ?? 0) + 1);
  for (const [event, span] of spans) span.end({ 'hookline.deliveries.created': created.get(event.id) ?? 0 }, error);
}

/** The deliveries an event gets among the batch's candidates. */
function matchTargets(event: MatchingEvent, candidates: MatchingCandidate[]): NewDelivery[] {
  return candidates
    .filter((candidate) => isCandidateFor(candidate, event) && receivesEvent(candidate, event))
    .map((candidate) => ({
      organizationId: event.organizationId,
      eventId: event.id,
      subscriptionId: candidate.id,
      eventType: event.eventType,
      orderingKey: candidate.ordering === 'per_key' ? orderingKeyOf(event) : null,
    }));
}

/**
 * The batch's events in acceptance order: by created_at, then in the order given (the events of one
 * intake job share a created_at and come in the job's order). Ordered deliveries are chained in this
 * order, and a batch may join intake jobs in whatever order the worker ran them.
 */
function inAcceptanceOrder(eventIds: string[], events: FanOutEvent[]): FanOutEvent[] {
  const position = new Map(eventIds.map((id, index) => [id, index]));
  return [...events].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || position.get(a.id)! - position.get(b.id)!);
}

/**
 * Whether the batch query's candidate concerns this event: the target of a test event (whatever its
 * active flag), else an active subscription of its organization or the webhook of its channel.
 */
function isCandidateFor(candidate: FanOutCandidate, event: FanOutEvent): boolean {
  if (candidate.organizationId !== event.organizationId) return false;
  if (event.targetSubscriptionId) return candidate.id === event.targetSubscriptionId;
  if (!candidate.isActive) return false;
  return candidate.kind === 'subscription' || (candidate.kind === 'channel' && candidate.channelKey === event.channel);
}
