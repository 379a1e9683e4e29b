import type { ChannelWebhookAttempt } from '@app/database/repositories/channel-webhook.repository';

/** The webhook as Handinger shows a worker's webhook: both fields null when none is set. */
export interface ChannelWebhookResponseDto {
  url: string | null;
  token: string | null;
}

export const NO_CHANNEL_WEBHOOK: ChannelWebhookResponseDto = { url: null, token: null };

/** One HTTP attempt of the channel's webhook. */
export interface ChannelExecutionResponseDto {
  id: string;
  created_at: string;
  duration_ms: number;
  error_message: string | null;
  request_status: 'success' | 'error';
  response_status: number | null;
  event_id: string;
  event_type: string;
  url: string;
  channel: string;
}

export interface ChannelExecutionListResponseDto {
  logs: ChannelExecutionResponseDto[];
  page: number;
  page_count: number;
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
