import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { Event } from '@app/generated/prisma/client';
import type { EventWithDeliveries } from '@app/database/repositories/event.repository';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../logs/log.dto';

@ApiSchema({ name: 'EventAccepted' })
export class EventAcceptedResponseDto {
  /** Event id (the `webhook-id` of its deliveries). */
  event_id: string;
  /** Event type. */
  event_type: string;
  /** When it was accepted. */
  @ApiProperty({ format: 'date-time' })
  created_at: string;
}

/** One delivery of an event: to one matching webhook. */
@ApiSchema({ name: 'EventDelivery' })
export class EventDeliveryResponseDto {
  /** Log id (GET /v1/webhooks/logs/{log_id}). */
  log_id: string;
  /** The subscription or channel webhook. */
  webhook_id: string;
  /** Delivery status. */
  @ApiProperty({ enum: DELIVERY_STATUSES })
  status: DeliveryStatus;
  /** HTTP attempts made so far. */
  @ApiProperty({ minimum: 0 })
  attempts: number;
}

@ApiSchema({ name: 'Event' })
export class EventResponseDto {
  /** Event id. */
  event_id: string;
  /** Event type. */
  event_type: string;
  /** The event payload. */
  @ApiProperty({ type: 'object', additionalProperties: true })
  data: unknown;
  /** Present when the event has one. */
  workflow_id?: string;
  /** Present when the event has one. */
  channel?: string;
  /** Present when the event has one. */
  call_id?: string;
  /** Present when the event has one. */
  ordering_key?: string;
  /** Present only for events published over Redis that failed validation. */
  status?: 'rejected';
  /** Why such an event was rejected. */
  reject_reason?: string;
  /** When it was accepted. */
  @ApiProperty({ format: 'date-time' })
  created_at: string;
  /** One per matching webhook; empty until the worker has fanned the event out. */
  deliveries: EventDeliveryResponseDto[];
}

@ApiSchema({ name: 'EventList' })
export class EventListResponseDto {
  /** Matching events, empty when none. */
  events: EventResponseDto[];
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
    ...(event.orderingKey !== null && { ordering_key: event.orderingKey }),
    ...(event.status === 'rejected' && { status: 'rejected' as const, reject_reason: event.rejectReason ?? 'invalid event' }),
    created_at: event.createdAt.toISOString(),
    deliveries: event.deliveries.map((delivery) => ({
      log_id: delivery.id,
      webhook_id: delivery.subscriptionId,
      status: delivery.status as DeliveryStatus,
      attempts: delivery.attempts,
    })),
  };
}
