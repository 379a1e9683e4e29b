import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { ChannelWebhookAttempt } from '@app/database/repositories/channel-webhook.repository';

/** The webhook as Handinger shows a worker's webhook: both fields null when none is set. */
@ApiSchema({ name: 'ChannelWebhook' })
export class ChannelWebhookResponseDto {
  /** Where events of the channel go; null when none is set. */
  @ApiProperty({ type: String, format: 'uri' })
  url: string | null;
  /** Sent with each delivery and used as its signing secret; null when no webhook is set. */
  token: string | null;
}

export const NO_CHANNEL_WEBHOOK: ChannelWebhookResponseDto = { url: null, token: null };

/** One HTTP attempt of the channel's webhook. */
@ApiSchema({ name: 'ChannelExecution' })
export class ChannelExecutionResponseDto {
  /** Attempt id. */
  id: string;
  /** Start of the attempt. */
  @ApiProperty({ format: 'date-time' })
  created_at: string;
  /** Duration in milliseconds. */
  @ApiProperty({ minimum: 0 })
  duration_ms: number;
  /** What went wrong; null on success. */
  error_message: string | null;
  /** `success` for a 2xx answer, else `error`. */
  request_status: 'success' | 'error';
  /** HTTP status; null without an answer. */
  response_status: number | null;
  /** Event id. */
  event_id: string;
  /** Event type. */
  event_type: string;
  /** The URL the attempt went to. */
  url: string;
  /** The channel. */
  channel: string;
}

@ApiSchema({ name: 'ChannelExecutionList' })
export class ChannelExecutionListResponseDto {
  /** At most 50 attempts, newest first. */
  logs: ChannelExecutionResponseDto[];
  /** This page, from 1. */
  @ApiProperty({ minimum: 1 })
  page: number;
  /** Number of pages. */
  @ApiProperty({ minimum: 0 })
  page_count: number;
  /** Number of attempts. */
  @ApiProperty({ minimum: 0 })
  total_count: number;
}

export function toChannelExecutionResponse(attempt: ChannelWebhookAttempt, channel: string): ChannelExecutionResponseDto {
  return {
    id: attempt.id,
    created_at: attempt.startedAt.toISOString(),
    duration_ms: attempt.durationMs,
    error_message: attempt.errorMessage,
    request_status: attempt.success ? 'success' : 'error',
    response_status: attempt.responseStatus,
    event_id: attempt.delivery.eventId,
    event_type: attempt.delivery.eventType,
    url: attempt.url,
    channel,
  };
}
