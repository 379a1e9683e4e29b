import { ApiExtraModels, ApiProperty, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, IsArray } from 'class-validator';
import type { ErrorDetail } from '@app/domain/errors';
import { ERROR_SCHEMA_REF } from '../docs/openapi-components';
import { EventCreateDto } from './event.dto';
import { EventAcceptedResponseDto } from './event.response';

/** Events one POST /v1/events/batch may carry. */
export const MAX_BATCH_EVENTS = 500;
/** Request body limit of POST /v1/events/batch (each event still at most 256 KiB as serialized JSON). */
export const BATCH_BODY_LIMIT_BYTES = 5 * 1024 * 1024;

/**
 * The batch's outer shape only. Each event is validated on its own, as POST /v1/events would
 * validate it, so one invalid event is answered in its slot instead of failing the request.
 */
@ApiSchema({ name: 'EventBatch', description: 'The request body is at most 5 MiB; each event at most 256 KiB as serialized JSON.' })
export class EventBatchDto {
  /** Events, each shaped like the body of POST /v1/events. */
  @ApiProperty({ type: [EventCreateDto] })
  @IsArray({ message: `events must be an array of 1 to ${MAX_BATCH_EVENTS} events` })
  @ArrayNotEmpty({ message: 'events must hold at least one event' })
  @ArrayMaxSize(MAX_BATCH_EVENTS, { message: `events must hold at most ${MAX_BATCH_EVENTS} events` })
  events: unknown[];
}

export interface EventRejectedResponseDto {
  error: string;
  message: string;
  details?: ErrorDetail[];
}

@ApiSchema({ name: 'EventBatchAccepted' })
@ApiExtraModels(EventAcceptedResponseDto)
export class EventBatchResponseDto {
  /** One per event, in request order: for an accepted event, what POST /v1/events answers; for a rejected one, the error POST /v1/events would answer for it alone. */
  @ApiProperty({ type: 'array', items: { oneOf: [{ $ref: getSchemaPath(EventAcceptedResponseDto) }, { $ref: ERROR_SCHEMA_REF }] } })
  results: (EventAcceptedResponseDto | EventRejectedResponseDto)[];
  /** Events accepted (repeats of an idempotency key included). */
  accepted: number;
  /** Events rejected. */
  rejected: number;
}
