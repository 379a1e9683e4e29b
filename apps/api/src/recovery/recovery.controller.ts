import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiKeyGuard, OrgId } from '../auth/api-key.guard';
import { RecoverDto } from './recovery.dto';
import { RecoveryService } from './recovery.service';

/** Replay of a subscription's failed deliveries (after an outage of its endpoint). */
@Controller('v1/webhooks')
@UseGuards(ApiKeyGuard)
export class RecoveryController {
  constructor(private readonly recovery: RecoveryService) {}

  @Post(':id/recover')
  @HttpCode(202)
  recover(@OrgId() organizationId: string, @Param('id') id: string, @Body() body: RecoverDto) {
    return this.recovery.recover(organizationId, id, body);
  }
}
