import type { Event } from '@app/generated/prisma/client';
import type { EventWithDeliveries } from '@app/database/repositories/event.repository';

export interface EventAcceptedResponseDto {
  event_id: string;
  event_type: string;
  created_at: string;
}

export interface EventResponseDto {
  event_id: string;
  event_type: string;
  data: unknown;
  workflow_id?: string;
  channel?: string;
  call_id?: string;
  /** Only for events that came over Redis and failed validation. */
  status?: 'rejected';
  reject_reason?: string;
  created_at: string;
  deliveries: { log_id: string; webhook_id: string; status: string; attempts: number }[];
}

export function toEventAcceptedResponse(event: Pick<Event, 'id' | 'eventType' | 'createdAt'>): EventAcceptedResponseDto {
  return { event_id: event.id, event_type: event.eventType, created_at: event.createdAt.toISOString() };
}

/** The event with its deliveries; optional fields are left out when the event has none. */
export function toEventResponse(event: EventWithDeliveries): EventResponseDto {
  return {
    event_id: event.id,
    event_type: event.eventType,
    data: event.data,
    ...(event.workflowId !== null && { workflow_id: event.workflowId }),
    ...(event.channel !== null && { channel: event.channel }),
    ...(event.callId !== null && { call_id: event.callId }),
    ...(event.status === 'rejected' && { status: 'rejected' as const, reject_reason: event.rejectReason ?? 'invalid event' }),
    created_at: event.createdAt.toISOString(),
    deliveries: event.deliveries.map((delivery) => ({
      log_id: delivery.id,
      webhook_id: delivery.subscriptionId,
      status: delivery.status,
      attempts: delivery.attempts,
    })),
  };
}
