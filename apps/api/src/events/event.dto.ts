import { ApiSchema } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { CHANNEL_PATTERN, EVENT_TYPE_PATTERN } from '@app/domain/event-matching';
import { IsJsonObject, KeepAsSent } from '../common/validators';

@ApiSchema({ name: 'EventCreate', description: 'The request body is at most 256 KiB.' })
export class EventCreateDto {
  /** Event type: up to 255 characters of [A-Za-z0-9_.:-]. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  @Matches(EVENT_TYPE_PATTERN, { message: 'event_type must use only the characters [A-Za-z0-9_.:-]' })
  event_type: string;

  /** The event payload: a JSON object. Validated against the JSON Schema of its type when the catalog has one. */
  @KeepAsSent()
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
}

export class EventLookupQueryDto {
  /**
   * The correlation id the events were published with.
   * @example "call_7f3a9c"
   */
  @IsString({ message: 'call_id is required' })
  @IsNotEmpty({ message: 'call_id is required' })
  @MaxLength(255)
  call_id: string;
}
