import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Event } from '@app/generated/prisma/client';
import type { EventCreateInput } from '@app/database/repositories/event.repository';
import { newId } from '@app/domain/ids';
import { MicroBatcher } from '@app/domain/micro-batcher';
import { EventStore, type StoreOutcome } from '@app/intake/event-store';
import { QueueName, enqueueInTime, enqueueStoredEvents, type IntakeQueue } from '@app/queue';

export type NewEvent = Omit<EventCreateInput, 'id'>;
/** What the intake answers about an accepted event (its own, or the first one holding its idempotency key). */
export type AcceptedEvent = Pick<Event, 'id' | 'eventType' | 'createdAt'>;

/**
 * Single-event requests arriving within this window share one INSERT and one queue round trip. Under
 * load the window fills from requests already parsed; when idle it adds about a millisecond.
 */
const COALESCE_WAIT_MS = 1;
/** Also bounds the events one intake job names (the worker fans them out together). */
const COALESCE_MAX_EVENTS = 256;

/**
 * The API's side of intake: stores accepted events (EventStore: idempotency, one multi-row INSERT)
 * and puts them on the intake queue as one job. POST /v1/events/batch hands its events over
 * directly; single-event requests are coalesced into such batches. Each caller gets its answer only
 * once its row is written (durability as with one INSERT per request).
 */
@Injectable()
export class EventWriter implements OnModuleDestroy {
  private readonly logger = new Logger(EventWriter.name);
  private readonly coalescer = new MicroBatcher<NewEvent, AcceptedEvent>((inputs) => this.writeMany(inputs), {
    maxItems: COALESCE_MAX_EVENTS,
    maxWaitMs: COALESCE_WAIT_MS,
  });

  constructor(
    private readonly store: EventStore,
    @InjectQueue(QueueName.Intake) private readonly intakeQueue: IntakeQueue,
  ) {}

  /** Writes one event together with the other requests of the moment; rejects only for its own row. */
  write(input: NewEvent): Promise<AcceptedEvent> {
    return this.coalescer.add(input);
  }

  /**
   * Writes events in one go; answers in order the accepted event (a repeated idempotency key answers
   * the first event), or an Error for an event that could not be stored (the others are).
   */
  async writeMany(inputs: NewEvent[]): Promise<(AcceptedEvent | Error)[]> {
    const outcomes = await this.store.storeMany(inputs.map((input) => ({ ...input, id: newId('evt') })));
    await this.enqueue(outcomes.flatMap((outcome) => (!(outcome instanceof Error) && outcome.kind === 'stored' ? [outcome.event.id] : [])));
    return outcomes.map(toAccepted);
  }

  onModuleDestroy(): void {
    this.coalescer.flush();
  }

  /** The rows are the source of truth: when Redis cannot take the job, the outbox sweeper enqueues them. */
  private async enqueue(eventIds: string[]): Promise<void> {
    if (eventIds.length === 0) return;
    await enqueueInTime(
      this.intakeQueue,
      () => enqueueStoredEvents(this.intakeQueue, eventIds),
      (reason) => this.logger.warn(`${eventIds.length} event(s) stored but not enqueued (${reason}); the outbox sweeper will enqueue them`),
    );
  }
}

/** A new row and a repeat are both answered with their event; `exists` cannot happen to a new id. */
function toAccepted(outcome: StoreOutcome | Error): AcceptedEvent | Error {
  if (outcome instanceof Error) return outcome;
  if (outcome.kind === 'exists') return new Error('the event id was already taken');
  const { id, eventType, createdAt } = outcome.event;
  return { id, eventType, createdAt };
}
