import type { DeliveryAttempt } from '@app/generated/prisma/client';
import type { DeliveryLog, DeliveryLogWithAttempts } from '@app/database/repositories/delivery-log.repository';

export interface LogResponseDto {
  id: string;
  webhook_id: string;
  /** "subscription" or "channel": the kind of webhook the delivery went to. */
  webhook_type: string;
  event_type: string;
  event_id: string;
  target_url: string;
  status: string;
  attempts: number;
  response_status: number | null;
  error_message: string | null;
  created_at: string;
  last_attempt_at: string | null;
  next_attempt_at: string | null;
}

export interface AttemptResponseDto {
  id: string;
  attempt: number;
  started_at: string;
  duration_ms: number;
  request_status: 'success' | 'error';
  response_status: number | null;
  error_message: string | null;
  response_body: string | null;
}

export type LogDetailResponseDto = LogResponseDto & { attempts_detail: AttemptResponseDto[] };

export function toLogResponse(log: DeliveryLog): LogResponseDto {
  return {
    id: log.id,
    webhook_id: log.subscriptionId,
    webhook_type: log.subscription.kind,
    event_type: log.eventType,
    event_id: log.eventId,
    target_url: log.subscription.url,
    status: log.status,
    attempts: log.attempts,
    response_status: log.responseStatus,
    error_message: log.errorMessage,
    created_at: log.createdAt.toISOString(),
    last_attempt_at: log.lastAttemptAt?.toISOString() ?? null,
    next_attempt_at: log.nextAttemptAt?.toISOString() ?? null,
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
