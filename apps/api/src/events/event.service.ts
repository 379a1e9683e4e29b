import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Event } from '@app/generated/prisma/client';
import { EventTypeCatalog } from '@app/database/event-type-catalog.service';
import { EventRepository, isUniqueViolation, type EventCreateInput } from '@app/database/repositories/event.repository';
import { notFound } from '@app/domain/errors';
import { IDEMPOTENCY_WINDOW_MS } from '@app/domain/event-validation';
import { newId } from '@app/domain/ids';
import { MetricsService } from '@app/observability';
import { QueueName, enqueueIntake, queueIsConnected, type IntakeJob } from '@app/queue';
import { withTimeout } from '@app/domain/with-timeout';
import type { EventCreateDto } from './event.dto';
import { toEventAcceptedResponse, toEventResponse, type EventAcceptedResponseDto, type EventResponseDto } from './event.response';

/** How long intake waits for Redis before answering anyway (the outbox sweeper enqueues later). */
const ENQUEUE_TIMEOUT_MS = 2_000;
/** Events a call_id lookup returns at most. */
const MAX_EVENTS_PER_CALL_ID = 100;

export type NewEvent = Omit<EventCreateInput, 'id'>;

@Injectable()
export class EventService {
  private readonly logger = new Logger(EventService.name);

  constructor(
    private readonly events: EventRepository,
    private readonly catalog: EventTypeCatalog,
    @InjectQueue(QueueName.Intake) private readonly intakeQueue: Queue<IntakeJob>,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * POST /v1/events: check data against the type's schema (event-type catalog), persist, enqueue for
   * fan-out, answer; a known idempotency key answers the first event.
   */
  async intake(organizationId: string, body: EventCreateDto): Promise<EventAcceptedResponseDto> {
    await this.catalog.assertValidEventData(organizationId, body.event_type, body.data);
    const idempotencyKey = body.idempotency_key;
    if (idempotencyKey !== undefined) {
      const earlier = await this.events.findByIdempotencyKey(organizationId, idempotencyKey);
      if (earlier && Date.now() - earlier.createdAt.getTime() < IDEMPOTENCY_WINDOW_MS) return toEventAcceptedResponse(earlier);
      if (earlier) await this.events.releaseIdempotencyKey(earlier.id, idempotencyKey);
    }
    const input: NewEvent = {
      organizationId,
      eventType: body.event_type,
      data: body.data as object,
      workflowId: body.workflow_id ?? null,
      channel: body.channel ?? null,
      callId: body.call_id ?? null,
      idempotencyKey: idempotencyKey ?? null,
    };
    try {
      return toEventAcceptedResponse(await this.accept(input));
    } catch (error) {
      // A concurrent request with the same key won the insert: answer with its event.
      if (idempotencyKey === undefined || !isUniqueViolation(error)) throw error;
      const winner = await this.events.findByIdempotencyKey(organizationId, idempotencyKey);
      if (!winner) throw error;
      return toEventAcceptedResponse(winner);
    }
  }

  /**
   * Stores the event, then puts it on the intake queue. The row is the source of truth: when Redis is
   * unreachable the event stays accepted with fanned_out_at null and the outbox sweeper enqueues it.
   */
  async accept(input: NewEvent): Promise<Event> {
    const event = await this.events.create({ ...input, id: newId('evt') });
    this.metrics.eventAccepted();
    try {
      // With Redis down, answer at once instead of piling commands up in memory: the sweeper enqueues.
      if (!(await queueIsConnected(this.intakeQueue))) throw new Error('Redis is not connected');
      await withTimeout(enqueueIntake(this.intakeQueue, event.id), ENQUEUE_TIMEOUT_MS, 'intake enqueue');
    } catch (error) {
      this.logger.warn(`event ${event.id} stored but not enqueued (${(error as Error).message}); the outbox sweeper will enqueue it`);
    }
    return event;
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
