import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Event } from '@app/generated/prisma/client';
import { EventRepository, type EventCreateInput, type StoredEvent } from '@app/database/repositories/event.repository';
import { IDEMPOTENCY_WINDOW_MS } from '@app/domain/event-validation';
import { newId } from '@app/domain/ids';
import { MicroBatcher, settleEach } from '@app/domain/micro-batcher';
import { withTimeout } from '@app/domain/with-timeout';
import { MetricsService } from '@app/observability';
import { QueueName, enqueueIntakeBatch, queueIsConnected, type IntakeJob } from '@app/queue';

export type NewEvent = Omit<EventCreateInput, 'id'>;
/** What the intake answers about an accepted event (its own, or the first one holding its idempotency key). */
export type AcceptedEvent = Pick<Event, 'id' | 'eventType' | 'createdAt'>;

/** How long intake waits for Redis before answering anyway (the outbox sweeper enqueues later). */
const ENQUEUE_TIMEOUT_MS = 2_000;
/**
 * Single-event requests arriving within this window share one INSERT and one queue round trip. Under
 * load the window fills from requests already parsed; when idle it adds about a millisecond.
 */
const COALESCE_WAIT_MS = 1;
/** Also bounds the events one intake job names (the worker fans them out together). */
const COALESCE_MAX_EVENTS = 256;

/**
 * Stores accepted events and puts them on the intake queue, many at a time: one idempotency lookup
 * (events carrying a key), one multi-row INSERT and one intake job naming all the stored events. POST /v1/events/batch hands
 * its events over directly; single-event requests are coalesced into such batches. Each caller gets
 * its answer only once its row is written (durability as with one INSERT per request).
 */
@Injectable()
export class EventWriter implements OnModuleDestroy {
  private readonly logger = new Logger(EventWriter.name);
  private readonly coalescer = new MicroBatcher<NewEvent, AcceptedEvent>((inputs) => this.writeMany(inputs), {
    maxItems: COALESCE_MAX_EVENTS,
    maxWaitMs: COALESCE_WAIT_MS,
  });

  constructor(
    private readonly events: EventRepository,
    @InjectQueue(QueueName.Intake) private readonly intakeQueue: Queue<IntakeJob>,
    private readonly metrics: MetricsService,
  ) {}

  /** Writes one event together with the other requests of the moment; rejects only for its own row. */
  write(input: NewEvent): Promise<AcceptedEvent> {
    return this.coalescer.add(input);
  }

  /**
   * Writes events in one go; answers in order, an Error for an event that could not be stored (the
   * others are). A key already used within 24 h answers the first event; the second of two events with
   * the same key answers the first's result. Throws when the database cannot be read at all.
   */
  async writeMany(inputs: NewEvent[]): Promise<(AcceptedEvent | Error)[]> {
    const results: (AcceptedEvent | Error | undefined)[] = new Array(inputs.length);
    const firstWithKey = new Map<string, number>();
    const repeats: [index: number, first: number][] = [];
    inputs.forEach((input, index) => {
      if (input.idempotencyKey == null) return;
      const key = keyOf(input.organizationId, input.idempotencyKey);
      const first = firstWithKey.get(key);
      if (first === undefined) firstWithKey.set(key, index);
      else repeats.push([index, first]);
    });
    await this.answerKnownKeys(inputs, firstWithKey, results);

    const repeated = new Set(repeats.map(([index]) => index));
    const pending = inputs.flatMap((_, index) => (results[index] === undefined && !repeated.has(index) ? [index] : []));
    const rows: EventCreateInput[] = pending.map((index) => ({ ...inputs[index], id: newId('evt') }));
    const stored = await settleEach(rows, (batch) => this.insert(batch), async (row) => (await this.insert([row]))[0]);
    const storedIds: string[] = [];
    const lostKeys: number[] = [];
    stored.forEach((outcome, position) => {
      const index = pending[position];
      if (outcome instanceof Error) results[index] = outcome;
      else if (outcome === null && inputs[index].idempotencyKey != null) lostKeys.push(index);
      else if (outcome === null) results[index] = new Error('the event id was already taken');
      else {
        results[index] = { id: outcome.id, eventType: inputs[index].eventType, createdAt: outcome.createdAt };
        storedIds.push(outcome.id);
      }
    });
    // A concurrent request took the key between the lookup and the INSERT: answer with its event.
    if (lostKeys.length > 0) await this.answerKnownKeys(inputs, new Map(lostKeys.map((index) => [keyOf(inputs[index].organizationId, inputs[index].idempotencyKey!), index])), results, true);
    for (const [index, first] of repeats) results[index] = results[first];

    if (storedIds.length > 0) {
      this.metrics.eventAccepted(storedIds.length);
      await this.enqueue(storedIds);
    }
    return results.map((result) => result ?? new Error('the event was neither stored nor found under its idempotency key'));
  }

  onModuleDestroy(): void {
    this.coalescer.flush();
  }

  /**
   * Fills `results` for events whose key an earlier event holds: within 24 h (or `anyAge`, for keys
   * just lost to a concurrent insert) that event is the answer; an expired key is freed for the new one.
   */
  private async answerKnownKeys(inputs: NewEvent[], indexByKey: Map<string, number>, results: (AcceptedEvent | Error | undefined)[], anyAge = false): Promise<void> {
    if (indexByKey.size === 0) return;
    const refs = [...indexByKey.values()].map((index) => ({ organizationId: inputs[index].organizationId, idempotencyKey: inputs[index].idempotencyKey! }));
    const expired: string[] = [];
    for (const earlier of await this.events.findByIdempotencyKeys(refs)) {
      const index = indexByKey.get(keyOf(earlier.organizationId, earlier.idempotencyKey!));
      if (index === undefined) continue;
      if (anyAge || Date.now() - earlier.createdAt.getTime() < IDEMPOTENCY_WINDOW_MS) results[index] = earlier;
      else expired.push(earlier.id);
    }
    await this.events.releaseIdempotencyKeys(expired);
  }

  /** Inserts rows; answers in order the stored row, or null for a row skipped on a taken idempotency key. */
  private async insert(rows: EventCreateInput[]): Promise<(StoredEvent | null)[]> {
    const stored = new Map((await this.events.createMany(rows)).map((row) => [row.id, row]));
    return rows.map((row) => stored.get(row.id) ?? null);
  }

  /**
   * The rows are the source of truth: when Redis is unreachable the events stay accepted with
   * fanned_out_at null and the outbox sweeper enqueues them.
   */
  private async enqueue(eventIds: string[]): Promise<void> {
    try {
      // With Redis down, answer at once instead of piling commands up in memory: the sweeper enqueues.
      if (!(await queueIsConnected(this.intakeQueue))) throw new Error('Redis is not connected');
      await withTimeout(enqueueIntakeBatch(this.intakeQueue, eventIds), ENQUEUE_TIMEOUT_MS, 'intake enqueue');
    } catch (error) {
      this.logger.warn(`${eventIds.length} event(s) stored but not enqueued (${(error as Error).message}); the outbox sweeper will enqueue them`);
    }
  }
}

function keyOf(organizationId: string, idempotencyKey: string): string {
  return `${organizationId}\n${idempotencyKey}`;
}
