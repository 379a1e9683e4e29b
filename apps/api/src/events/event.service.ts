import { Injectable } from '@nestjs/common';
import { validate } from 'class-validator';
import { EventTypeCatalog } from '@app/catalog';
import { EventRepository } from '@app/database/repositories/event.repository';
import { DomainError, notFound } from '@app/domain/errors';
import { MAX_EVENT_BYTES } from '@app/domain/event-validation';
import { isJsonObject } from '@app/domain/json-object';
import { invalidRequest } from '@app/domain/validation-errors';
import { EventCreateDto, isEventTooLarge, toEventColumns, validateEvent } from '@app/intake';
import { MetricsService, Tracing, type TraceSpan } from '@app/observability';
import { isRejectedValue } from '../common/database-errors';
import { EventBatchDto, type EventBatchResponseDto, type EventRejectedResponseDto } from './event-batch.dto';
import { toEventAcceptedResponse, toEventResponse, type EventAcceptedResponseDto, type EventResponseDto } from './event.response';
import { EventWriter, type AcceptedEvent, type NewEvent } from './event-writer';

export type { NewEvent } from './event-writer';

/** Events a call_id lookup returns at most. */
const MAX_EVENTS_PER_CALL_ID = 100;
/** The batch's outer shape: checked as the global ValidationPipe checks a body (common/validation.pipe.ts). */
const BATCH_RULES = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, stopAtFirstError: true };

@Injectable()
export class EventService {
  constructor(
    private readonly events: EventRepository,
    private readonly catalog: EventTypeCatalog,
    private readonly writer: EventWriter,
    private readonly metrics: MetricsService,
    private readonly tracing: Tracing,
  ) {}

  /**
   * POST /v1/events: the event's rules (validateEvent), its data against the type's schema (event-type
   * catalog), then stored and enqueued for fan-out; a known idempotency key answers the first event.
   * The event keeps the request span's traceparent (parent: the caller's `traceparent`).
   */
  async intake(organizationId: string, body: unknown, traceparent?: string): Promise<EventAcceptedResponseDto> {
    const span = this.tracing.server('POST /v1/events', traceparent, { 'http.request.method': 'POST', 'http.route': '/v1/events' });
    return this.answer(span, async () => {
      const accepted = await this.writer.write(await this.check(organizationId, body, span.traceparent));
      span.end({ 'http.response.status_code': 202, 'hookline.event_id': accepted.id });
      return toEventAcceptedResponse(accepted);
    });
  }

  /**
   * POST /v1/events/batch: each event is checked as POST /v1/events checks its body (plus its size,
   * which the single endpoint's body limit checks) and answered in its slot; the valid ones are
   * written together (one INSERT, one queue round trip). One span for the request: every event of
   * the batch continues its trace.
   */
  async intakeBatch(organizationId: string, body: unknown, traceparent?: string): Promise<EventBatchResponseDto> {
    const span = this.tracing.server('POST /v1/events/batch', traceparent, { 'http.request.method': 'POST', 'http.route': '/v1/events/batch' });
    return this.answer(span, async () => {
      const events = await batchEvents(body);
      const checked = await Promise.all(events.map((event) => this.checkSized(organizationId, event, span.traceparent).catch(asRejection)));
      const answers = await this.writeValid(checked);
      const results = answers.map((answer) => this.toBatchResult(answer));
      const accepted = answers.filter((answer) => !(answer instanceof DomainError)).length;
      span.end({ 'http.response.status_code': 202, 'hookline.events.accepted': accepted, 'hookline.events.rejected': results.length - accepted });
      return { results, accepted, rejected: results.length - accepted };
    });
  }

  /**
   * Stores an event built by the API itself (test events), through the same writer as the intake.
   * With Redis unreachable it stays accepted with fanned_out_at null and the outbox sweeper enqueues it.
   */
  async accept(input: NewEvent): Promise<AcceptedEvent> {
    return this.writer.write(input);
  }

  /** An event's rules, then its data against the catalog: the event to write, or the DomainError. */
  private async check(organizationId: string, event: unknown, traceparent: string): Promise<NewEvent> {
    const dto = await validateEvent(event, EventCreateDto);
    await this.catalog.assertValidEventData(organizationId, dto.event_type, dto.data);
    return { ...toEventColumns(organizationId, dto), traceparent };
  }

  /** One event of a batch: its size first (as the single endpoint's body limit would refuse it). */
  private async checkSized(organizationId: string, event: unknown, traceparent: string): Promise<NewEvent> {
    if (isEventTooLarge(event)) throw new DomainError('payload_too_large', `The event is larger than ${MAX_EVENT_BYTES / 1024} KiB.`);
    return this.check(organizationId, event, traceparent);
  }

  /** Writes the valid events together; answers each slot with its accepted event or its rejection. */
  private async writeValid(checked: (NewEvent | DomainError)[]): Promise<(AcceptedEvent | DomainError)[]> {
    const written = await this.writer.writeMany(checked.filter((outcome): outcome is NewEvent => !(outcome instanceof DomainError)));
    let next = 0;
    return checked.map((outcome) => {
      if (outcome instanceof DomainError) return outcome;
      const result = written[next++];
      return result instanceof Error ? asRejection(result) : result;
    });
  }

  /**
   * Runs an intake request's work. A failure ends its span as an error and, when it is about the
   * event (validation, catalog schema, a malformed batch), counts in hookline_events_rejected_total;
   * the exception filter answers it. Accepted events are counted by EventStore when stored.
   */
  private async answer<T>(span: TraceSpan, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const domain = error instanceof DomainError;
      if (domain && !NOT_REJECTIONS.has(error.code)) this.metrics.eventRejected(error.code);
      span.end({ 'error.type': domain ? error.code : 'internal' }, domain ? error.message : 'internal error');
      throw error;
    }
  }

  private toBatchResult(answer: AcceptedEvent | DomainError): EventAcceptedResponseDto | EventRejectedResponseDto {
    if (!(answer instanceof DomainError)) return toEventAcceptedResponse(answer);
    this.metrics.eventRejected(answer.code);
    return { error: answer.code, message: answer.message, ...(answer.details && { details: answer.details }) };
  }

  async find(organizationId: string, id: string): Promise<EventResponseDto> {
    const event = await this.events.findWithDeliveries(organizationId, id);
    if (!event) throw notFound('Event');
    return toEventResponse(event);
  }

  async findByCallId(organizationId: string, callId: string): Promise<{ events: EventResponseDto[] }> {
    const events = await this.events.findByCallId(organizationId, callId, MAX_EVENTS_PER_CALL_ID);
    return { events: events.map(toEventResponse) };
  }
}

/** Refusals of a request that are not about its event (authentication, throttling, outages): not rejections. */
const NOT_REJECTIONS = new Set(['unauthorized', 'forbidden', 'rate_limited', 'service_unavailable']);

/** The batch's events, or the 400 a malformed batch gets (nothing is stored then). */
async function batchEvents(body: unknown): Promise<unknown[]> {
  if (!isJsonObject(body)) throw new DomainError('validation_failed', 'The request body must be a JSON object.');
  const errors = await validate(Object.assign(new EventBatchDto(), body), BATCH_RULES);
  if (errors.length > 0) {
    const { details = [] } = invalidRequest(errors);
    throw new DomainError('validation_failed', `The batch is invalid: ${details.map((detail) => detail.message).join('; ')}.`, details);
  }
  return body.events as unknown[];
}

/**
 * The answer in a batch slot for an event that failed: the client error POST /v1/events would give
 * for it. Any other failure (database down) fails the whole request.
 */
function asRejection(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  if (isRejectedValue(error)) return new DomainError('validation_failed', 'The request holds a value that cannot be stored.');
  throw error;
}
