import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiKeyGuard, OrgId } from '../auth/api-key.guard';
import { EventTypeCreateDto, EventTypeUpdateDto, toEventTypeResponse, type EventTypeResponseDto } from './event-type.dto';
import { EventTypeService } from './event-type.service';

/** The organization's catalog of event types. `:name` may hold dots and colons (`order.paid`, `task:done`). */
@Controller('v1/event-types')
@UseGuards(ApiKeyGuard)
export class EventTypeController {
  constructor(private readonly eventTypes: EventTypeService) {}

  @Post()
  @HttpCode(201)
  async create(@OrgId() orgId: string, @Body() body: EventTypeCreateDto): Promise<EventTypeResponseDto> {
    return toEventTypeResponse(await this.eventTypes.create(orgId, body));
  }

  @Get()
  async list(@OrgId() orgId: string): Promise<{ event_types: EventTypeResponseDto[]; total: number }> {
    const types = await this.eventTypes.list(orgId);
    return { event_types: types.map(toEventTypeResponse), total: types.length };
  }

  @Get(':name')
  async get(@OrgId() orgId: string, @Param('name') name: string): Promise<EventTypeResponseDto> {
    return toEventTypeResponse(await this.eventTypes.get(orgId, name));
  }

  @Patch(':name')
  async update(@OrgId() orgId: string, @Param('name') name: string, @Body() body: EventTypeUpdateDto): Promise<EventTypeResponseDto> {
    return toEventTypeResponse(await this.eventTypes.update(orgId, name, body));
  }

  @Delete(':name')
  @HttpCode(204)
  async remove(@OrgId() orgId: string, @Param('name') name: string): Promise<void> {
    await this.eventTypes.remove(orgId, name);
  }
}
