import { Injectable, Logger } from '@nestjs/common';
import type { Prisma } from '@app/generated/prisma/client';
import { EventTypeCatalog, schemaRejectReason } from '@app/catalog';
import { EventRepository, type NewRejectedEvent } from '@app/database/repositories/event.repository';
import { DomainError } from '@app/domain/errors';
import { EVENT_ID_PATTERN, MAX_EVENT_BYTES } from '@app/domain/event-validation';
import { newId } from '@app/domain/ids';
import { incomingOrNewTraceparent } from '@app/domain/traceparent';
import { isJsonObject } from '@app/domain/json-object';
import { MicroBatcher } from '@app/domain/micro-batcher';
import { isStorableText, unstorableJsonProblem } from '@app/domain/storable-input';
import { EventStore, PublishedEventDto, isEventTooLarge, toEventColumns, validateEvent, type StoreOutcome } from '@app/intake';
import { MetricsService } from '@app/observability';

/** How long a published event waits for others to share its queries (as in FanOutService). */
const BATCH_WAIT_MS = 2;
const MAX_BATCH_EVENTS = 200;
/** Batches in flight at once (see FanOutService: bounds the memory of a burst). */
const MAX_CONCURRENT_BATCHES = 4;

/** A published event as it came out of Redis: nothing about it is trusted yet. */
export interface Publication {
  event_id: unknown;
  event: unknown;
}
/** One publication on its way through the steps; `event` is set once it is valid. */
interface Entry {
  index: number;
  id: string;
  input: unknown;
  event?: PublishedEventDto;
}
type Answers = (string | null | Error | undefined)[];

/**
 * Intake of events published over Redis (HooklinePublisher): validated like POST /v1/events
 * (validateEvent) and stored under the publication's event id through the same EventStore. An
 * invalid event is recorded as rejected and logged; it never fails the job, so a bad publisher cannot
 * block or crash the worker. Concurrent jobs are accepted as one batch, a publishMany job as its own.
 */
@Injectable()
export class PublishedEventService {
  private readonly logger = new Logger(PublishedEventService.name);
  private readonly batcher = new MicroBatcher<Publication, string | null>((publications) => this.acceptBatch(publications), {
    maxItems: MAX_BATCH_EVENTS,
    maxWaitMs: BATCH_WAIT_MS,
    maxConcurrentBatches: MAX_CONCURRENT_BATCHES,
  });

  constructor(
    private readonly events: EventRepository,
    private readonly store: EventStore,
    private readonly catalog: EventTypeCatalog,
    private readonly metrics: MetricsService,
  ) {}

  /** Stores one published event; answers the id to fan out, or null when there is nothing to deliver. */
  accept(publication: Publication): Promise<string | null> {
    return this.batcher.add(publication);
  }

  /** Stores events published together (each `{ event_id, ...fields }`) as one batch; answers the ids to fan out. */
  async acceptMany(events: unknown): Promise<string[]> {
    // The job came through Redis: a list that is not one is an empty job, not a crash to retry.
    const ids = await this.batcher.addBatch(Array.isArray(events) ? events.map(toPublication) : []);
    return ids.filter((id): id is string => id !== null);
  }

  /** The steps, each handing on the entries still open; answers in order. */
  private async acceptBatch(publications: Publication[]): Promise<(string | null | Error)[]> {
    const answers: Answers = new Array<Answers[number]>(publications.length);
    let entries = await this.withValidIds(publications, answers);
    entries = await this.notStoredYet(entries, answers);
    entries = await this.validated(entries, answers);
    entries = await this.ofKnownOrganizations(entries, answers);
    entries = await this.matchingSchemas(entries, answers);
    await this.stored(entries, answers);
    return answers.map((answer) => answer ?? null);
  }

  /** An event id a job may not carry (BullMQ job ids take no ':') is rejected under a new id. */
  private async withValidIds(publications: Publication[], answers: Answers): Promise<Entry[]> {
    const entries: Entry[] = [];
    for (const [index, { event_id: id, event: input }] of publications.entries()) {
      if (typeof id === 'string' && EVENT_ID_PATTERN.test(id)) entries.push({ index, id, input });
      else answers[index] = await this.reject(newId('evt'), input, 'event_id must be 1 to 255 characters of [A-Za-z0-9_.-]');
    }
    return entries;
  }

  /** A job may run twice (a crash after the insert): an event already stored stands as it is. */
  private async notStoredYet(entries: Entry[], answers: Answers): Promise<Entry[]> {
    const stored = new Map((await this.events.findByIds(entries.map((entry) => entry.id))).map((event) => [event.id, event]));
    return entries.filter((entry) => {
      const event = stored.get(entry.id);
      if (event) answers[entry.index] = event.status === 'accepted' ? event.id : null;
      return !event;
    });
  }

  /** The event's rules (the HTTP intake's) and its size. */
  private async validated(entries: Entry[], answers: Answers): Promise<Entry[]> {
    const valid: Entry[] = [];
    for (const entry of entries) {
      const reason = await problemOf(entry);
      if (reason === null) valid.push(entry);
      else answers[entry.index] = await this.reject(entry.id, entry.input, reason);
    }
    return valid;
  }

  /** An event of an unknown organization cannot be stored (nothing owns it): logged and dropped. */
  private async ofKnownOrganizations(entries: Entry[], answers: Answers): Promise<Entry[]> {
    const known = await this.events.existingOrganizations([...new Set(entries.map((entry) => entry.event!.organization_id))]);
    return entries.filter((entry) => {
      const organizationId = entry.event!.organization_id;
      if (known.has(organizationId)) return true;
      this.metrics.eventRejected('unknown_organization');
      this.logger.warn(`published event ${entry.id} rejected: organization ${clip(organizationId, 64)} does not exist (not recorded)`);
      answers[entry.index] = null;
      return false;
    });
  }

  /** The catalog's JSON Schema for the event's type, if any (checked as POST /v1/events checks it). */
  private async matchingSchemas(entries: Entry[], answers: Answers): Promise<Entry[]> {
    const matching: Entry[] = [];
    for (const entry of entries) {
      const { organization_id: organizationId, event_type: eventType, data } = entry.event!;
      const violations = await this.catalog.validateEventData(organizationId, eventType, data);
      if (!violations) matching.push(entry);
      else answers[entry.index] = await this.reject(entry.id, entry.input, schemaRejectReason(eventType, violations));
    }
    return matching;
  }

  /** Stored together (EventStore: idempotency keys, one INSERT); a repeated key drops the event. */
  private async stored(entries: Entry[], answers: Answers): Promise<void> {
    const rows = entries.map((entry) => ({
      id: entry.id,
      ...toEventColumns(entry.event!.organization_id, entry.event!),
      // No intake span here: the fan-out and the attempts are children of the publisher's span.
      traceparent: incomingOrNewTraceparent(entry.event!.traceparent),
    }));
    const outcomes = await this.store.storeMany(rows);
    entries.forEach((entry, position) => (answers[entry.index] = this.toFanOut(entry, outcomes[position])));
  }

  private toFanOut(entry: Entry, outcome: StoreOutcome | Error): string | null | Error {
    if (outcome instanceof Error) return outcome;
    if (outcome.kind === 'stored') return outcome.event.id;
    if (outcome.kind === 'exists') return outcome.event.status === 'accepted' ? outcome.event.id : null;
    this.logger.log(`published event ${entry.id} dropped: its idempotency key names event ${outcome.event.id} (organization ${entry.event!.organization_id})`);
    return null;
  }

  /** Records the rejection when the organization exists (an event row needs one), and logs one line; answers null. */
  private async reject(eventId: string, input: unknown, reason: string): Promise<null> {
    this.metrics.eventRejected('validation_failed');
    const fields = isJsonObject(input) ? input : {};
    const organizationId = typeof fields.organization_id === 'string' ? fields.organization_id : undefined;
    const recordable = organizationId !== undefined && organizationId.length <= 255 && (await this.events.existingOrganizations([organizationId])).size > 0;
    if (recordable) await this.events.createRejected(rejectedRow(eventId, organizationId, fields, reason));
    const org = organizationId !== undefined ? `organization ${clip(organizationId, 64)}` : 'no organization';
    this.logger.warn(`published event ${eventId} rejected (${org}${recordable ? '' : ', not recorded'}): ${reason}`);
    return null;
  }
}

/** An event of a publishMany job carries its id among its fields. */
function toPublication(event: unknown): Publication {
  if (!isJsonObject(event)) return { event_id: undefined, event };
  const { event_id, ...fields } = event;
  return { event_id, event: fields };
}

/** Why the event is refused, or null (`entry.event` then holds it): the HTTP intake's rules, then its size. */
async function problemOf(entry: Entry): Promise<string | null> {
  try {
    entry.event = await validateEvent(entry.input, PublishedEventDto, 'The event');
  } catch (error) {
    return reasonOf(error);
  }
  return isEventTooLarge(entry.input) ? `the event is larger than ${MAX_EVENT_BYTES / 1024} KiB` : null;
}

/** The reject reason: each field's problem, as the HTTP intake's details name them. */
function reasonOf(error: unknown): string {
  if (!(error instanceof DomainError)) throw error;
  return error.details?.length ? error.details.map((detail) => detail.message).join('; ') : error.message;
}

/** What is kept of an invalid event: its fields cut to the columns' sizes, data only when sane. */
function rejectedRow(id: string, organizationId: string, fields: Record<string, unknown>, reason: string): NewRejectedEvent {
  const textField = (name: string, max: number) => {
    const value = fields[name];
    return typeof value === 'string' && isStorableText(value) ? clip(value, max) : null;
  };
  // Checked for depth and unstorable text before anything serializes it.
  const dataFits =
    isJsonObject(fields.data) && unstorableJsonProblem(fields.data, 2) === null && Buffer.byteLength(JSON.stringify(fields.data)) <= MAX_EVENT_BYTES;
  return {
    id,
    organizationId,
    eventType: textField('event_type', 255) ?? '',
    data: dataFits ? (fields.data as Prisma.InputJsonObject) : {},
    workflowId: textField('workflow_id', 255),
    channel: textField('channel', 128),
    callId: textField('call_id', 255),
    rejectReason: reason,
  };
}

function clip(value: string, max: number): string {
  return value.length > max ? value.slice(0, max) : value;
}
