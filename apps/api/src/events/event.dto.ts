import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { CHANNEL_PATTERN, EVENT_TYPE_PATTERN } from '@app/domain/event-matching';
import { IsJsonObject, KeepAsSent } from '../common/validators';

export class EventCreateDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  @Matches(EVENT_TYPE_PATTERN, { message: 'event_type must use only the characters [A-Za-z0-9_.:-]' })
  event_type: string;

  @KeepAsSent()
  @IsJsonObject()
  data: Record<string, unknown>;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  workflow_id?: string;

  /** Scope: the organization; a repeat within 24 h answers the first event. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  idempotency_key?: string;

  @IsOptional()
  @IsString()
  @Matches(CHANNEL_PATTERN, { message: 'channel must be 1 to 128 characters of [A-Za-z0-9_.:-]' })
  channel?: string;

  /** Correlation id of the producer's operation (GET /v1/events?call_id=...). */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  call_id?: string;
}

export class EventLookupQueryDto {
  @IsString({ message: 'call_id is required' })
  @IsNotEmpty({ message: 'call_id is required' })
  @MaxLength(255)
  call_id: string;
}
