import { Injectable, Logger } from '@nestjs/common';
import type { Prisma } from '@app/generated/prisma/client';
import { EventTypeCatalog, schemaRejectReason } from '@app/database/event-type-catalog.service';
import { FanOutRepository, isUniqueViolation, type NewRejectedEvent } from '@app/database/repositories/fan-out.repository';
import {
  EVENT_ID_PATTERN,
  IDEMPOTENCY_WINDOW_MS,
  MAX_EVENT_BYTES,
  isJsonObject,
  validatePublishedEvent,
  type ValidEvent,
} from '@app/domain/event-validation';
import { isStorableText, unstorableJsonProblem } from '@app/domain/storable-input';
import { newId } from '@app/domain/ids';
import { MicroBatcher, settleEach } from '@app/domain/micro-batcher';
import { MetricsService } from '@app/observability';
import type { IntakeJob } from '@app/queue';

/** How long a published event waits for others to share its queries (as in FanOutService). */
const BATCH_WAIT_MS = 2;
const MAX_BATCH_EVENTS = 200;
/** Batches in flight at once (see FanOutService: bounds the memory of a burst). */
const MAX_CONCURRENT_BATCHES = 4;

/**
 * Intake of events published over Redis (HooklinePublisher): validated like POST /v1/events and
 * stored under the job's event id. An invalid event is recorded as rejected and logged; it never
 * fails the job, so a bad publisher cannot block or crash the worker.
 *
 * Concurrent jobs are accepted as a batch: one lookup of already stored ids, one of the
 * organizations, one insert. Events with an idempotency key, invalid ones and anything unusual take
 * the one-by-one path (`acceptOne`).
 */
@Injectable()
export class PublishedEventService {
  private readonly logger = new Logger(PublishedEventService.name);
  private readonly batcher = new MicroBatcher<IntakeJob, string | null>(
    (jobs) => settleEach(jobs, (all) => this.acceptMany(all), (one) => this.acceptOne(one)),
    { maxItems: MAX_BATCH_EVENTS, maxWaitMs: BATCH_WAIT_MS, maxConcurrentBatches: MAX_CONCURRENT_BATCHES },
  );

  constructor(
    private readonly repository: FanOutRepository,
    private readonly catalog: EventTypeCatalog,
    private readonly metrics: MetricsService,
  ) {}

  /** Stores the job's event; returns the id to fan out, or null when there is nothing to deliver. */
  accept(job: IntakeJob): Promise<string | null> {
    return this.batcher.add(job);
  }

  private async acceptMany(jobs: IntakeJob[]): Promise<(string | null)[]> {
    const results = new Map<number, string | null>();
    const oneByOne: number[] = [];
    const ids = jobs.map((job) => (typeof job.event_id === 'string' && EVENT_ID_PATTERN.test(job.event_id) ? job.event_id : undefined));
    const stored = await this.repository.findEventStatuses(ids.filter((id): id is string => id !== undefined));
    const valid: { index: number; id: string; event: ValidEvent }[] = [];
    jobs.forEach((job, index) => {
      const id = ids[index];
      const status = id === undefined ? undefined : stored.get(id);
      if (id !== undefined && status !== undefined) return results.set(index, status === 'accepted' ? id : null);
      const validation = id === undefined ? undefined : validatePublishedEvent(job.event);
      if (id === undefined || !validation?.valid || validation.event.idempotencyKey !== null) return oneByOne.push(index);
      valid.push({ index, id, event: validation.event });
    });
    const organizations = await this.repository.existingOrganizations([...new Set(valid.map((entry) => entry.event.organizationId))]);
    const insertable: typeof valid = [];
    for (const entry of valid) {
      const { organizationId, eventType, data } = entry.event;
      const fits = organizations.has(organizationId) && !(await this.catalog.validateEventData(organizationId, eventType, data));
      if (fits) insertable.push(entry);
      else oneByOne.push(entry.index);
    }
    await this.repository.insertEvents(insertable.map(({ id, event }) => ({ id, ...event, data: event.data as Prisma.InputJsonObject })));
    for (const { index, id } of insertable) {
      this.metrics.eventAccepted();
      results.set(index, id);
    }
    for (const index of oneByOne) results.set(index, await this.acceptOne(jobs[index]));
    return jobs.map((_, index) => results.get(index) ?? null);
  }

  /** One event, every check in turn: the path for keyed, invalid or unusual events. */
  private async acceptOne(job: IntakeJob): Promise<string | null> {
    const input: unknown = job.event;
    const eventId = typeof job.event_id === 'string' && EVENT_ID_PATTERN.test(job.event_id) ? job.event_id : undefined;
    if (!eventId) {
      await this.reject(newId('evt'), input, ['event_id must be 1 to 255 characters of [A-Za-z0-9_.-]']);
      return null;
    }
    // A job may run twice (a crash after the insert): the stored event stands.
    const stored = await this.repository.findEvent(eventId);
    if (stored) return stored.status === 'accepted' ? stored.id : null;

    const validation = validatePublishedEvent(input);
    if (!validation.valid) {
      await this.reject(eventId, input, validation.problems);
      return null;
    }
    const event = validation.event;
    if (!(await this.repository.organizationExists(event.organizationId))) {
      this.metrics.eventRejected('unknown_organization');
      this.logger.warn(`published event ${eventId} rejected: organization ${clip(event.organizationId, 64)} does not exist (not recorded)`);
      return null;
    }
    // The catalog's JSON Schema for this type, if any (validated like POST /v1/events).
    const violations = await this.catalog.validateEventData(event.organizationId, event.eventType, event.data);
    if (violations) {
      await this.reject(eventId, input, [schemaRejectReason(event.eventType, violations)]);
      return null;
    }
    if (event.idempotencyKey !== null && (await this.isRepeat(eventId, event))) return null;
    return this.insert(eventId, event);
  }

  /** True when the organization's idempotency key names a recent event; frees the key when it expired. */
  private async isRepeat(eventId: string, event: ValidEvent): Promise<boolean> {
    const key = event.idempotencyKey as string;
    const earlier = await this.repository.findEventByIdempotencyKey(event.organizationId, key);
    if (!earlier) return false;
    if (Date.now() - earlier.createdAt.getTime() >= IDEMPOTENCY_WINDOW_MS) {
      await this.repository.releaseIdempotencyKey(earlier.id, key);
      return false;
    }
    this.logger.log(`published event ${eventId} dropped: its idempotency key names event ${earlier.id} (organization ${event.organizationId})`);
    return true;
  }

  private async insert(eventId: string, event: ValidEvent): Promise<string | null> {
    try {
      await this.repository.insertEvent({ id: eventId, ...event, data: event.data as Prisma.InputJsonObject });
      this.metrics.eventAccepted();
      return eventId;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Lost a race: either this job ran concurrently, or another event took the idempotency key.
      const stored = await this.repository.findEvent(eventId);
      if (stored) return stored.status === 'accepted' ? stored.id : null;
      this.logger.log(`published event ${eventId} dropped: its idempotency key was just taken by another event (organization ${event.organizationId})`);
      return null;
    }
  }

  /** Records the rejection when the organization exists (an event row needs one), and logs one line. */
  private async reject(eventId: string, input: unknown, problems: string[]): Promise<void> {
    this.metrics.eventRejected('validation_failed');
    const reason = problems.join('; ');
    const fields = isJsonObject(input) ? input : {};
    const organizationId = typeof fields.organization_id === 'string' ? fields.organization_id : undefined;
    const recordable = organizationId !== undefined && organizationId.length <= 255 && (await this.repository.organizationExists(organizationId));
    if (recordable) await this.repository.insertRejectedEvent(rejectedRow(eventId, organizationId, fields, reason));
    const org = organizationId !== undefined ? `organization ${clip(organizationId, 64)}` : 'no organization';
    this.logger.warn(`published event ${eventId} rejected (${org}${recordable ? '' : ', not recorded'}): ${reason}`);
  }
}

/** What is kept of an invalid event: its fields cut to the columns' sizes, data only when sane. */
function rejectedRow(id: string, organizationId: string, fields: Record<string, unknown>, reason: string): NewRejectedEvent {
  const textField = (name: string, max: number) => {
    const value = fields[name];
    return typeof value === 'string' && isStorableText(value) ? clip(value, max) : null;
  };
  // Checked for depth and unstorable text before anything serializes it.
  const dataFits = isJsonObject(fields.data) && unstorableJsonProblem(fields.data, 2) === null && Buffer.byteLength(JSON.stringify(fields.data)) <= MAX_EVENT_BYTES;
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
