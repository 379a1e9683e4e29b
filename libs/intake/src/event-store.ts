import { Injectable } from '@nestjs/common';
import type { Event } from '@app/generated/prisma/client';
import { EventRepository, type EventCreateInput, type StoredEvent } from '@app/database/repositories/event.repository';
import { IDEMPOTENCY_WINDOW_MS } from '@app/domain/event-validation';
import { settleEach } from '@app/domain/micro-batcher';
import { MetricsService } from '@app/observability';

/** An event row to store under its own id (the API's new id, or the one a publisher chose). */
export type EventRow = EventCreateInput & { id: string };
/** What is known of an event once stored. */
export type KnownEvent = Pick<Event, 'id' | 'eventType' | 'createdAt' | 'status'>;
/**
 * Where an event ended: `stored` as a new row; `repeat` when its idempotency key names an earlier
 * event (that event); `exists` when a row already has its id (the same published job run twice).
 */
export interface StoreOutcome {
  kind: 'stored' | 'repeat' | 'exists';
  event: KnownEvent;
}
type Outcomes = (StoreOutcome | Error | undefined)[];

/**
 * The one way events are stored, for the API and the worker alike: idempotency keys honoured (a key
 * used within 24 h names the first event; of two rows with one key the second repeats the first),
 * then one multi-row INSERT. A row the database refuses fails alone.
 */
@Injectable()
export class EventStore {
  constructor(
    private readonly events: EventRepository,
    private readonly metrics: MetricsService,
  ) {}

  /** Answers in order an outcome per row, or an Error for a row that could not be stored. */
  async storeMany(rows: EventRow[]): Promise<(StoreOutcome | Error)[]> {
    const outcomes: Outcomes = new Array<Outcomes[number]>(rows.length);
    const { firstWithKey, repeats } = groupByKey(rows);
    await this.answerHeldKeys(rows, [...firstWithKey.values()], outcomes, false);
    const toInsert = rows.flatMap((_, index) => (outcomes[index] === undefined && !repeats.has(index) ? [index] : []));
    const skipped = await this.insert(rows, toInsert, outcomes);
    await this.explainSkipped(rows, skipped, outcomes);
    for (const [index, first] of repeats) outcomes[index] = asRepeat(outcomes[first]);
    const stored = outcomes.filter((outcome) => !(outcome instanceof Error) && outcome?.kind === 'stored').length;
    if (stored > 0) this.metrics.eventAccepted(stored);
    return outcomes.map((outcome) => outcome ?? new Error('the event was neither stored nor found'));
  }

  /**
   * Answers the rows whose key an earlier event holds: within 24 h (or at `anyAge`, for a key just
   * lost to a concurrent insert) that event is the answer; an expired key is freed for the new row.
   */
  private async answerHeldKeys(rows: EventRow[], indices: number[], outcomes: Outcomes, anyAge: boolean): Promise<void> {
    if (indices.length === 0) return;
    const indexByKey = new Map(indices.map((index) => [keyOf(rows[index]), index]));
    const refs = indices.map((index) => ({ organizationId: rows[index].organizationId, idempotencyKey: rows[index].idempotencyKey! }));
    const expired: string[] = [];
    for (const earlier of await this.events.findByIdempotencyKeys(refs)) {
      const index = indexByKey.get(keyOf(earlier));
      if (index === undefined) continue;
      if (anyAge || Date.now() - earlier.createdAt.getTime() < IDEMPOTENCY_WINDOW_MS) outcomes[index] = { kind: 'repeat', event: earlier };
      else expired.push(earlier.id);
    }
    await this.events.releaseIdempotencyKeys(expired);
  }

  /** Inserts the rows at `indices` in one statement; answers the indices skipped on a taken id or key. */
  private async insert(rows: EventRow[], indices: number[], outcomes: Outcomes): Promise<number[]> {
    const insertOnly = async (batch: EventRow[]) => {
      const stored = new Map((await this.events.createMany(batch)).map((row) => [row.id, row]));
      return batch.map((row) => stored.get(row.id) ?? null);
    };
    const results = await settleEach(
      indices.map((index) => rows[index]),
      insertOnly,
      async (row) => (await insertOnly([row]))[0],
    );
    const skipped: number[] = [];
    results.forEach((result, position) => {
      const index = indices[position];
      if (result === null) skipped.push(index);
      else outcomes[index] = result instanceof Error ? result : { kind: 'stored', event: storedEvent(rows[index], result) };
    });
    return skipped;
  }

  /** A skipped row lost a race: its id is stored already (the same job ran twice), or another event took its key. */
  private async explainSkipped(rows: EventRow[], indices: number[], outcomes: Outcomes): Promise<void> {
    if (indices.length === 0) return;
    const existing = new Map((await this.events.findByIds(indices.map((index) => rows[index].id))).map((event) => [event.id, event]));
    const keyed: number[] = [];
    for (const index of indices) {
      const event = existing.get(rows[index].id);
      if (event) outcomes[index] = { kind: 'exists', event };
      else if (rows[index].idempotencyKey != null) keyed.push(index);
    }
    await this.answerHeldKeys(rows, keyed, outcomes, true);
  }
}

/** The first row holding each idempotency key, and the later rows repeating it (index → first index). */
function groupByKey(rows: EventRow[]): { firstWithKey: Map<string, number>; repeats: Map<number, number> } {
  const firstWithKey = new Map<string, number>();
  const repeats = new Map<number, number>();
  rows.forEach((row, index) => {
    if (row.idempotencyKey == null) return;
    const first = firstWithKey.get(keyOf(row));
    if (first === undefined) firstWithKey.set(keyOf(row), index);
    else repeats.set(index, first);
  });
  return { firstWithKey, repeats };
}

/** A later row with the first's key gets the first's event (or its error). */
function asRepeat(first: StoreOutcome | Error | undefined): StoreOutcome | Error | undefined {
  return first === undefined || first instanceof Error ? first : { kind: 'repeat', event: first.event };
}

function storedEvent(row: EventRow, stored: StoredEvent): KnownEvent {
  return { id: stored.id, eventType: row.eventType, createdAt: stored.createdAt, status: 'accepted' };
}

function keyOf(event: { organizationId: string; idempotencyKey?: string | null }): string {
  return `${event.organizationId}\n${event.idempotencyKey}`;
}
