import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { AllowPortal } from '../auth/portal-access';
import { OrgId } from '../auth/request-principal';
import { ApiAccess, ApiErrors, ApiJsonBody } from '../docs/api-docs.decorators';
import { EventTypeCreateDto, EventTypeUpdateDto } from './event-type.dto';
import { EventTypeListResponseDto, EventTypeResponseDto, toEventTypeResponse } from './event-type.response';
import { EventTypeService } from './event-type.service';

const orderPaidSchema = {
  type: 'object',
  required: ['order_id', 'amount'],
  properties: { order_id: { type: 'string' }, amount: { type: 'integer', minimum: 0 }, currency: { type: 'string' } },
};
const eventTypeExample = {
  name: 'order.paid',
  description: 'An order was paid in full.',
  schema: orderPaidSchema,
  created_at: '2025-07-01T09:00:00.000Z',
  updated_at: '2025-07-01T09:00:00.000Z',
};

const EventTypeName = () => ApiParam({ name: 'name', description: 'Type name (dots and colons allowed).', example: 'order.paid' });

/** The organization's catalog of event types. `:name` may hold dots and colons (`order.paid`, `task:done`). */
@Controller('v1/event-types')
@UseGuards(ApiKeyGuard)
@ApiTags('Event types')
@ApiAccess('apiKey')
export class EventTypeController {
  constructor(private readonly eventTypes: EventTypeService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ operationId: 'createEventType', summary: 'Register an event type' })
  @ApiJsonBody(EventTypeCreateDto, { name: 'order.paid', description: 'An order was paid in full.', schema: orderPaidSchema })
  @ApiCreatedResponse({ description: 'Registered.', type: EventTypeResponseDto, example: eventTypeExample })
  @ApiErrors('Conflict')
  async create(@OrgId() orgId: string, @Body() body: EventTypeCreateDto): Promise<EventTypeResponseDto> {
    return toEventTypeResponse(await this.eventTypes.create(orgId, body));
  }

  @Get()
  @AllowPortal()
  @ApiOperation({ operationId: 'listEventTypes', summary: 'List event types' })
  @ApiOkResponse({ description: 'The catalog.', type: EventTypeListResponseDto, example: { event_types: [eventTypeExample], total: 1 } })
  async list(@OrgId() orgId: string): Promise<EventTypeListResponseDto> {
    const types = await this.eventTypes.list(orgId);
    return { event_types: types.map(toEventTypeResponse), total: types.length };
  }

  @Get(':name')
  @AllowPortal()
  @ApiOperation({ operationId: 'getEventType', summary: 'Get an event type' })
  @EventTypeName()
  @ApiOkResponse({ description: 'The event type.', type: EventTypeResponseDto, example: eventTypeExample })
  @ApiErrors('NotFound')
  async get(@OrgId() orgId: string, @Param('name') name: string): Promise<EventTypeResponseDto> {
    return toEventTypeResponse(await this.eventTypes.get(orgId, name));
  }

  @Patch(':name')
  @ApiOperation({ operationId: 'updateEventType', summary: "Change an event type's description or schema" })
  @EventTypeName()
  @ApiJsonBody(EventTypeUpdateDto, { description: 'An order was paid (partial payments excluded).' })
  @ApiOkResponse({
    description: 'The updated event type.',
    type: EventTypeResponseDto,
    example: { ...eventTypeExample, description: 'An order was paid (partial payments excluded).', updated_at: '2025-07-02T08:00:00.000Z' },
  })
  @ApiErrors('NotFound')
  async update(@OrgId() orgId: string, @Param('name') name: string, @Body() body: EventTypeUpdateDto): Promise<EventTypeResponseDto> {
    return toEventTypeResponse(await this.eventTypes.update(orgId, name, body));
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteEventType', summary: 'Remove an event type from the catalog' })
  @EventTypeName()
  @ApiNoContentResponse({ description: 'Removed.' })
  @ApiErrors('NotFound')
  async remove(@OrgId() orgId: string, @Param('name') name: string): Promise<void> {
    await this.eventTypes.remove(orgId, name);
  }
}
