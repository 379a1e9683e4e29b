import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { AccessScope } from '@app/domain/access-scope';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { AllowPortal } from '../auth/portal-access';
import { CallerScope } from '../auth/request-principal';
import { ApiAccess, ApiErrors } from '../docs/api-docs.decorators';
import { ERROR_SCHEMA_REF } from '../docs/openapi-components';
import { SUBSCRIPTION_ID } from '../subscriptions/subscription.examples';
import { LogQueryDto } from './log.dto';
import { logDetailExample, logExample } from './log.examples';
import { LogDetailResponseDto, LogListResponseDto, LogResponseDto } from './log.response';
import { LogService } from './log.service';

const LogId = () => ApiParam({ name: 'log_id', description: 'Log (delivery) id.', example: logExample.id });

/**
 * Delivery logs. Registered before SubscriptionController so that "logs/all" and "logs/:log_id"
 * are never read as a subscription id (the router also ranks static segments first).
 */
@Controller('v1/webhooks')
@UseGuards(ApiKeyGuard)
@AllowPortal()
@ApiTags('Delivery logs')
@ApiAccess('apiKey')
export class LogController {
  constructor(private readonly logs: LogService) {}

  @Get('logs/all')
  @ApiOperation({
    operationId: 'listLogs',
    summary: "List the organization's delivery logs",
    description: 'Subscriptions and channel webhooks alike, deleted subscriptions included.',
  })
  @ApiOkResponse({ description: 'A page of logs, newest first.', type: LogListResponseDto, example: { logs: [logExample], total: 1 } })
  @ApiErrors('ValidationFailed')
  listAll(@CallerScope() scope: AccessScope, @Query() query: LogQueryDto) {
    return this.logs.listAll(scope, query);
  }

  @Get('logs/:log_id')
  @ApiOperation({ operationId: 'getLog', summary: 'Get a log with its attempts' })
  @LogId()
  @ApiOkResponse({ description: 'The log.', type: LogDetailResponseDto, example: logDetailExample })
  @ApiErrors('NotFound')
  detail(@CallerScope() scope: AccessScope, @Param('log_id') logId: string) {
    return this.logs.detail(scope, logId);
  }

  @Post('logs/:log_id/retry')
  @HttpCode(202)
  @ApiOperation({
    operationId: 'retryLog',
    summary: 'Deliver again now',
    description: 'New attempts are appended; the status goes back to pending. The webhook must exist and be active (409 otherwise).',
  })
  @LogId()
  @ApiAcceptedResponse({
    description: 'Queued for delivery.',
    type: LogResponseDto,
    example: { ...logExample, status: 'pending', next_attempt_at: '2025-07-01T10:00:00.000Z' },
  })
  @ApiConflictResponse({
    description: 'The webhook of this log was deleted or is inactive.',
    schema: { $ref: ERROR_SCHEMA_REF },
    example: { error: 'conflict', message: 'The webhook of this log is inactive; re-enable it (PATCH is_active: true) before retrying.' },
  })
  @ApiErrors('NotFound')
  retry(@CallerScope() scope: AccessScope, @Param('log_id') logId: string) {
    return this.logs.retry(scope, logId);
  }

  @Get(':id/logs')
  @ApiOperation({ operationId: 'listSubscriptionLogs', summary: "List one subscription's delivery logs" })
  @ApiParam({ name: 'id', description: 'Subscription id.', example: SUBSCRIPTION_ID })
  @ApiOkResponse({ description: 'A page of logs, newest first.', type: LogListResponseDto, example: { logs: [logExample], total: 1 } })
  @ApiErrors('ValidationFailed', 'NotFound')
  listForSubscription(@CallerScope() scope: AccessScope, @Param('id') subscriptionId: string, @Query() query: LogQueryDto) {
    return this.logs.listForSubscription(scope, subscriptionId, query);
  }
}
