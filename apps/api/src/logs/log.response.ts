import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { DeliveryAttempt } from '@app/generated/prisma/client';
import type { DeliveryLog, DeliveryLogWithAttempts } from '@app/database/repositories/delivery-log.repository';
import { DELIVERY_STATUSES, type DeliveryStatus } from './log.dto';

/** One log per event × webhook. */
@ApiSchema({ name: 'Log' })
export class LogResponseDto {
  /** Log id (one per event × webhook). */
  id: string;
  /** The subscription or channel webhook delivered to. */
  webhook_id: string;
  /** `subscription` or `channel`: the kind of webhook the delivery went to. */
  @ApiProperty({ enum: ['subscription', 'channel'] })
  webhook_type: string;
  /** Event type. */
  event_type: string;
  /** Event id. */
  event_id: string;
  /** The webhook's URL. */
  target_url: string;
  /** Delivery status. */
  @ApiProperty({ enum: DELIVERY_STATUSES })
  status: DeliveryStatus;
  /** HTTP attempts made so far. */
  @ApiProperty({ minimum: 0 })
  attempts: number;
  /** HTTP status of the last attempt; null without an answer. */
  response_status: number | null;
  /** Why the last attempt failed; null when it did not. */
  error_message: string | null;
  /** When the delivery was created (fan-out). */
  @ApiProperty({ format: 'date-time' })
  created_at: string;
  /** Start of the last attempt. */
  @ApiProperty({ type: String, format: 'date-time' })
  last_attempt_at: string | null;
  /** When the next attempt is due; null when none is scheduled. */
  @ApiProperty({ type: String, format: 'date-time' })
  next_attempt_at: string | null;
  /** For a webhook with `ordering: "per_key"`: the log this one waits for (earlier in its ordering key); null otherwise. */
  blocked_by: string | null;
}

/** One HTTP attempt of a delivery. */
@ApiSchema({ name: 'Attempt' })
export class AttemptResponseDto {
  /** Attempt id. */
  id: string;
  /** Attempt number, from 1 (the X-Webhook-Attempt header sent). */
  @ApiProperty({ minimum: 1 })
  attempt: number;
  /** Start of the attempt. */
  @ApiProperty({ format: 'date-time' })
  started_at: string;
  /** Duration in milliseconds. */
  @ApiProperty({ minimum: 0 })
  duration_ms: number;
  /** `success` for a 2xx answer, else `error`. */
  request_status: 'success' | 'error';
  /** HTTP status; null without an answer (timeout, network error, blocked target). */
  response_status: number | null;
  /** What went wrong; null on success. */
  error_message: string | null;
  /** The start of the response body (at most 4 KiB). */
  response_body: string | null;
}

@ApiSchema({ name: 'LogDetail' })
export class LogDetailResponseDto extends LogResponseDto {
  /** Every HTTP attempt, oldest first. */
  attempts_detail: AttemptResponseDto[];
}

@ApiSchema({ name: 'LogList' })
export class LogListResponseDto {
  logs: LogResponseDto[];
  /** Logs matching the filters (all pages). */
  @ApiProperty({ minimum: 0 })
  total: number;
}

export function toLogResponse(log: DeliveryLog): LogResponseDto {
  return {
    id: log.id,
    webhook_id: log.subscriptionId,
    webhook_type: log.subscription.kind,
    event_type: log.eventType,
    event_id: log.eventId,
    target_url: log.subscription.url,
    status: log.status as DeliveryStatus,
    attempts: log.attempts,
    response_status: log.responseStatus,
    error_message: log.errorMessage,
    created_at: log.createdAt.toISOString(),
    last_attempt_at: log.lastAttemptAt?.toISOString() ?? null,
    next_attempt_at: log.nextAttemptAt?.toISOString() ?? null,
    blocked_by: log.blockedBy,
  };
}

export function toAttemptResponse(attempt: DeliveryAttempt): AttemptResponseDto {
  return {
    id: attempt.id,
    attempt: attempt.attempt,
    started_at: attempt.startedAt.toISOString(),
    duration_ms: attempt.durationMs,
    request_status: attempt.success ? 'success' : 'error',
    response_status: attempt.responseStatus,
    error_message: attempt.errorMessage,
    response_body: attempt.responseBody,
  };
}

export function toLogDetailResponse(log: DeliveryLogWithAttempts): LogDetailResponseDto {
  return { ...toLogResponse(log), attempts_detail: log.attemptsLog.map(toAttemptResponse) };
}
