import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AccessScope } from '@app/domain/access-scope';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { AllowPortal } from '../auth/portal-access';
import { CallerScope } from '../auth/request-principal';
import { ApiAccess, ApiErrors } from '../docs/api-docs.decorators';
import { DeliveryStatsService } from './delivery-stats.service';
import { DeliveryStatsQueryDto } from './stats.dto';
import { DeliveryStatsResponseDto } from './stats.response';

/** Aggregates for the dashboard's and the portal's overview charts. */
@Controller('v1/stats')
@UseGuards(ApiKeyGuard)
@AllowPortal()
@ApiTags('Stats')
@ApiAccess('apiKey')
export class StatsController {
  constructor(private readonly stats: DeliveryStatsService) {}

  @Get('deliveries')
  @ApiOperation({
    operationId: 'getDeliveryStats',
    summary: 'Deliveries by outcome and attempt durations over time',
    description:
      'Counts deliveries created in [since, until) by their current status, and attempts started in it, per UTC minute or hour. The window may span at most 7 days. A portal token counts its tenant only.',
  })
  @ApiOkResponse({
    description: 'The buckets.',
    type: DeliveryStatsResponseDto,
    example: {
      buckets: [
        { start: '2025-07-01T00:00:00.000Z', delivered: 118, failed: 2, retrying: 0, attempts: 124, p50_ms: 84, p95_ms: 412.5 },
        { start: '2025-07-01T01:00:00.000Z', delivered: 0, failed: 0, retrying: 0, attempts: 0, p50_ms: null, p95_ms: null },
      ],
    },
  })
  @ApiErrors('ValidationFailed')
  deliveries(@CallerScope() scope: AccessScope, @Query() query: DeliveryStatsQueryDto): Promise<DeliveryStatsResponseDto> {
    return this.stats.deliveries(scope, query);
  }
}
