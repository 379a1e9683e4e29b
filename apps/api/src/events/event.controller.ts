import { Controller, Get, Headers, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { BodyLimit, UnvalidatedBody } from '../common/route-body';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { OrgId } from '../auth/request-principal';
import { ApiAccess, ApiErrors, ApiJsonBody } from '../docs/api-docs.decorators';
import { BATCH_BODY_LIMIT_BYTES, EventBatchDto, EventBatchResponseDto } from './event-batch.dto';
import { EventCreateDto, EventLookupQueryDto } from './event.dto';
import { acceptedExample, eventCreateExample, eventExample } from './event.examples';
import { EventAcceptedResponseDto, EventListResponseDto, EventResponseDto } from './event.response';
import { EventService } from './event.service';

/** Optional W3C trace context of the publisher (README, Tracing); an invalid value is ignored, as the spec says. */
const TRACEPARENT_HEADER = {
  name: 'traceparent',
  required: false,
  description: 'W3C trace context (`00-<32 hex trace id>-<16 hex span id>-<flags>`): every delivery of the event carries a `traceparent` with this trace id.',
  example: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
};

@Controller('v1/events')
@UseGuards(ApiKeyGuard)
@ApiTags('Events')
@ApiAccess('apiKey')
export class EventController {
  constructor(private readonly events: EventService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    operationId: 'publishEvent',
    summary: 'Publish an event',
    description:
      'The event is stored, then queued for fan-out. While Redis is unreachable it is still accepted (202) and enqueued once Redis is back; only a PostgreSQL outage answers 503. ' +
      'A W3C `traceparent` header makes the event part of that trace: every delivery request carries a `traceparent` with the same trace id (see README, Tracing).',
  })
  // An EventCreateDto, checked by the intake's own validator (EventService.intake), not the global pipe.
  @ApiHeader(TRACEPARENT_HEADER)
  @ApiJsonBody(EventCreateDto, eventCreateExample)
  @ApiAcceptedResponse({
    description: 'Accepted (or the first event of a repeated idempotency_key).',
    type: EventAcceptedResponseDto,
    example: acceptedExample,
  })
  intake(@OrgId() organizationId: string, @UnvalidatedBody() body: unknown, @Headers('traceparent') traceparent?: string) {
    return this.events.intake(organizationId, body, traceparent);
  }

  /** Up to 500 events; each is validated on its own (EventService.intakeBatch), not by the global pipe. */
  @Post('batch')
  @HttpCode(202)
  @BodyLimit(BATCH_BODY_LIMIT_BYTES)
  @ApiOperation({
    operationId: 'publishEventBatch',
    summary: 'Publish up to 500 events in one request',
    description:
      'Each event is validated as POST /v1/events validates its body and answered in its slot: one invalid event does not reject the others. ' +
      'Accepted events are stored with one statement and queued together; idempotency keys work per event as on POST /v1/events (a key repeated ' +
      'within the batch answers the first event). A malformed batch (no `events` array, 0 or more than 500 events, unknown fields) is a 400 and stores nothing. ' +
      'The per-key rate limit counts the request once. A `traceparent` header applies to every event of the batch.',
  })
  @ApiHeader(TRACEPARENT_HEADER)
  @ApiJsonBody(EventBatchDto, {
    events: [
      { event_type: 'order.paid', data: { order_id: 'ord_1042', amount: 4900 }, idempotency_key: 'order-1042-paid' },
      { event_type: 'invoice.issued', data: { amount: 'ten' } },
    ],
  })
  @ApiAcceptedResponse({
    description: 'The result of each event, in order.',
    type: EventBatchResponseDto,
    example: {
      results: [
        acceptedExample,
        {
          error: 'validation_failed',
          message: 'data does not match the schema of event type "invoice.issued".',
          details: [{ field: 'data.amount', message: 'must be number' }],
        },
      ],
      accepted: 1,
      rejected: 1,
    },
  })
  intakeBatch(@OrgId() organizationId: string, @UnvalidatedBody() body: unknown, @Headers('traceparent') traceparent?: string) {
    return this.events.intakeBatch(organizationId, body, traceparent);
  }

  @Get()
  @ApiOperation({
    operationId: 'findEventsByCallId',
    summary: 'Find the events of a call id',
    description: 'Lets a producer look up what happened to one operation.',
  })
  @ApiOkResponse({ description: 'The events with that call id, each with its deliveries.', type: EventListResponseDto, example: { events: [eventExample] } })
  @ApiErrors('ValidationFailed')
  findByCallId(@OrgId() organizationId: string, @Query() query: EventLookupQueryDto) {
    return this.events.findByCallId(organizationId, query.call_id);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getEvent', summary: 'Get an event with its deliveries' })
  @ApiParam({ name: 'id', description: 'Event id.', example: eventExample.event_id })
  @ApiOkResponse({ description: 'The event.', type: EventResponseDto, example: eventExample })
  @ApiErrors('NotFound')
  find(@OrgId() organizationId: string, @Param('id') id: string) {
    return this.events.find(organizationId, id);
  }
}
