import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { AccessScope } from '@app/domain/access-scope';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { AllowPortal } from '../auth/portal-access';
import { CallerScope } from '../auth/request-principal';
import { ApiAccess, ApiErrors, ApiJsonBody } from '../docs/api-docs.decorators';
import { ERROR_SCHEMA_REF } from '../docs/openapi-components';
import { SUBSCRIPTION_ID } from '../subscriptions/subscription.examples';
import { RecoverDto, RecoveredResponseDto } from './recovery.dto';
import { RecoveryService } from './recovery.service';

/** Replay of a subscription's failed deliveries (after an outage of its endpoint). */
@Controller('v1/webhooks')
@UseGuards(ApiKeyGuard)
@AllowPortal()
@ApiTags('Subscriptions')
@ApiAccess('apiKey')
export class RecoveryController {
  constructor(private readonly recovery: RecoveryService) {}

  @Post(':id/recover')
  @HttpCode(202)
  @ApiOperation({
    operationId: 'recoverSubscriptionDeliveries',
    summary: 'Replay the failed deliveries of a time window',
    description:
      'Every failed delivery of this subscription created within [since, until] goes back to pending and is attempted again at once (attempts are appended, as for a manual retry). For after an outage of the endpoint.',
  })
  @ApiParam({ name: 'id', description: 'Subscription id.', example: SUBSCRIPTION_ID })
  @ApiJsonBody(RecoverDto, { since: '2025-07-01T00:00:00Z', until: '2025-07-01T12:00:00Z' })
  @ApiAcceptedResponse({ description: 'Queued.', type: RecoveredResponseDto, example: { recovered: 42 } })
  @ApiConflictResponse({
    description: 'The subscription is inactive: re-enable it first.',
    schema: { $ref: ERROR_SCHEMA_REF },
    example: { error: 'conflict', message: 'The webhook is inactive; re-enable it (PATCH is_active: true) before recovering its deliveries.' },
  })
  @ApiErrors('NotFound')
  recover(@CallerScope() scope: AccessScope, @Param('id') id: string, @Body() body: RecoverDto): Promise<RecoveredResponseDto> {
    return this.recovery.recover(scope, id, body);
  }
}
