import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiKeyGuard, OrgId } from '../auth/api-key.guard';
import { LogQueryDto } from './log.dto';
import { LogService } from './log.service';

/**
 * Delivery logs. Registered before SubscriptionController so that "logs/all" and "logs/:log_id"
 * are never read as a subscription id (the router also ranks static segments first).
 */
@Controller('v1/webhooks')
@UseGuards(ApiKeyGuard)
export class LogController {
  constructor(private readonly logs: LogService) {}

  @Get('logs/all')
  listAll(@OrgId() organizationId: string, @Query() query: LogQueryDto) {
    return this.logs.listAll(organizationId, query);
  }

  @Get('logs/:log_id')
  detail(@OrgId() organizationId: string, @Param('log_id') logId: string) {
    return this.logs.detail(organizationId, logId);
  }

  @Post('logs/:log_id/retry')
  @HttpCode(202)
  retry(@OrgId() organizationId: string, @Param('log_id') logId: string) {
    return this.logs.retry(organizationId, logId);
  }

  @Get(':id/logs')
  listForSubscription(@OrgId() organizationId: string, @Param('id') subscriptionId: string, @Query() query: LogQueryDto) {
    return this.logs.listForSubscription(organizationId, subscriptionId, query);
  }
}
