import { ArrayMaxSize, ArrayNotEmpty, IsArray } from 'class-validator';
import type { ErrorDetail } from '@app/domain/errors';
import type { EventAcceptedResponseDto } from './event.response';

/** Events one POST /v1/events/batch may carry. */
export const MAX_BATCH_EVENTS = 500;
/** Request body limit of POST /v1/events/batch (each event still at most 256 KiB as serialized JSON). */
export const BATCH_BODY_LIMIT_BYTES = 5 * 1024 * 1024;

/**
 * The batch's outer shape only. Each event is validated on its own, as POST /v1/events would
 * validate it, so one invalid event is answered in its slot instead of failing the request.
 */
export class EventBatchDto {
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

export interface EventBatchResponseDto {
  /** One per event, in request order. */
  results: (EventAcceptedResponseDto | EventRejectedResponseDto)[];
  accepted: number;
  rejected: number;
}
