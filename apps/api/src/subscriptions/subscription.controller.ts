import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiKeyGuard, OrgId } from '../auth/api-key.guard';
import { SecretRotateDto, SubscriptionCreateDto, SubscriptionUpdateDto } from './subscription.dto';
import { OptionalBodyInterceptor } from './optional-body.interceptor';
import { SubscriptionService } from './subscription.service';

/** Org-wide webhook subscriptions. The logs routes under v1/webhooks live in LogController. */
@Controller('v1/webhooks')
@UseGuards(ApiKeyGuard)
export class SubscriptionController {
  constructor(private readonly subscriptions: SubscriptionService) {}

  @Post()
  create(@OrgId() organizationId: string, @Body() body: SubscriptionCreateDto) {
    return this.subscriptions.create(organizationId, body);
  }

  @Get()
  list(@OrgId() organizationId: string) {
    return this.subscriptions.list(organizationId);
  }

  @Get(':id')
  get(@OrgId() organizationId: string, @Param('id') id: string) {
    return this.subscriptions.get(organizationId, id);
  }

  @Get(':id/secret')
  secret(@OrgId() organizationId: string, @Param('id') id: string) {
    return this.subscriptions.secret(organizationId, id);
  }

  @Post(':id/secret/rotate')
  @HttpCode(200)
  @UseInterceptors(OptionalBodyInterceptor)
  rotateSecret(@OrgId() organizationId: string, @Param('id') id: string, @Body() body: SecretRotateDto) {
    return this.subscriptions.rotateSecret(organizationId, id, body);
  }

  @Patch(':id')
  update(@OrgId() organizationId: string, @Param('id') id: string, @Body() body: SubscriptionUpdateDto) {
    return this.subscriptions.update(organizationId, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@OrgId() organizationId: string, @Param('id') id: string): Promise<void> {
    await this.subscriptions.remove(organizationId, id);
  }

  @Post(':id/test')
  @HttpCode(202)
  sendTest(@OrgId() organizationId: string, @Param('id') id: string) {
    return this.subscriptions.sendTest(organizationId, id);
  }
}
