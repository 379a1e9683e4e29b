import { ApiSchema } from '@nestjs/swagger';
import { IsDefined, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { CHANNEL_PATTERN, EVENT_TYPE_PATTERN, ORDERING_KEY_PATTERN } from '@app/domain/event-matching';
import { IsJsonObject } from '@app/domain/json-object';

/**
 * The rules of an event, wherever it comes from: POST /v1/events, each event of POST
 * /v1/events/batch (both checked by validateEvent, not the global pipe) and, with its organization,
 * an event published over Redis. The OpenAPI document is derived from it (swagger CLI plugin).
 */
@ApiSchema({ name: 'EventCreate', description: 'The request body is at most 256 KiB.' })
export class EventCreateDto {
  /** Event type: up to 255 characters of [A-Za-z0-9_.:-]. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  @Matches(EVENT_TYPE_PATTERN, { message: 'event_type must use only the characters [A-Za-z0-9_.:-]' })
  event_type: string;

  /** The event payload: a JSON object. Validated against the JSON Schema of its type when the catalog has one. */
  @IsJsonObject()
  data: Record<string, unknown>;

  /** Workflow the event belongs to; sent in the envelope as `workflow_id`. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  workflow_id?: string;

  /** Within 24 h the same key (per organization) answers the first event and creates no new deliveries. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  idempotency_key?: string;

  /** Channel the event is published on (e.g. `worker:w_123`): up to 128 characters of [A-Za-z0-9_.:-]. */
  @IsOptional()
  @IsString()
  @Matches(CHANNEL_PATTERN, { message: 'channel must be 1 to 128 characters of [A-Za-z0-9_.:-]' })
  channel?: string;

  /** Correlation id of the producer's operation (GET /v1/events?call_id=...); sent in the envelope, or in `X-Webhook-Call-Id` with the data format. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  call_id?: string;

  /**
   * Deliveries to subscriptions with `ordering: "per_key"` are attempted one at a time per key, in the
   * order events were accepted: up to 255 characters of [A-Za-z0-9_.:/-]. Without it, the key is the
   * event's `channel`, else one key for the whole subscription.
   */
  @IsOptional()
  @IsString()
  @MaxLength(255)
  @Matches(ORDERING_KEY_PATTERN, { message: 'ordering_key must use only the characters [A-Za-z0-9_.:/-]' })
  ordering_key?: string;
}

/** An event published over Redis (HooklinePublisher) names its organization itself. */
export class PublishedEventDto extends EventCreateDto {
  @IsDefined({ message: 'organization_id is required' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  organization_id: string;

  /** The publisher's W3C traceparent: deliveries continue that trace (an invalid one starts a new trace, as the spec says). */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  traceparent?: string;
}

/** The columns an event's fields fill (absent optional fields are null). */
export function toEventColumns(organizationId: string, dto: EventCreateDto) {
  return {
    organizationId,
    eventType: dto.event_type,
    data: dto.data as object,
    workflowId: dto.workflow_id ?? null,
    channel: dto.channel ?? null,
    callId: dto.call_id ?? null,
    orderingKey: dto.ordering_key ?? null,
    idempotencyKey: dto.idempotency_key ?? null,
  };
}
