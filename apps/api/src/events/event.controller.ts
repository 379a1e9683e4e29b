import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { BodyLimit, UnvalidatedBody } from '../common/route-body';
import { ApiKeyGuard, OrgId } from '../auth/api-key.guard';
import { EventRejectionMetricsInterceptor } from '../observability/event-rejection-metrics.interceptor';
import { BATCH_BODY_LIMIT_BYTES } from './event-batch.dto';
import { EventCreateDto, EventLookupQueryDto } from './event.dto';
import { EventService } from './event.service';

@Controller('v1/events')
@UseGuards(ApiKeyGuard)
export class EventController {
  constructor(private readonly events: EventService) {}

  @Post()
  @HttpCode(202)
  @UseInterceptors(EventRejectionMetricsInterceptor)
  intake(@OrgId() organizationId: string, @Body() body: EventCreateDto) {
    return this.events.intake(organizationId, body);
  }

  /** Up to 500 events; each is validated on its own (EventService.intakeBatch), not by the global pipe. */
  @Post('batch')
  @HttpCode(202)
  @BodyLimit(BATCH_BODY_LIMIT_BYTES)
  @UseInterceptors(EventRejectionMetricsInterceptor)
  intakeBatch(@OrgId() organizationId: string, @UnvalidatedBody() body: unknown) {
    return this.events.intakeBatch(organizationId, body);
  }

  @Get()
  findByCallId(@OrgId() organizationId: string, @Query() query: EventLookupQueryDto) {
    return this.events.findByCallId(organizationId, query.call_id);
  }

  @Get(':id')
  find(@OrgId() organizationId: string, @Param('id') id: string) {
    return this.events.find(organizationId, id);
  }
}
