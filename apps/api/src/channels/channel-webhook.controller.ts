import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiKeyGuard, OrgId } from '../auth/api-key.guard';
import { ChannelParamPipe } from './channel-param.pipe';
import { ChannelExecutionsQueryDto, ChannelWebhookUpdateDto } from './channel-webhook.dto';
import { ChannelWebhookService } from './channel-webhook.service';

/** The one webhook of a channel: `{url, token}`, its token and its execution history. */
@Controller('v1/channels/:channel/webhook')
@UseGuards(ApiKeyGuard)
export class ChannelWebhookController {
  constructor(private readonly webhooks: ChannelWebhookService) {}

  @Get()
  get(@OrgId() organizationId: string, @Param('channel', ChannelParamPipe) channel: string) {
    return this.webhooks.get(organizationId, channel);
  }

  @Put()
  set(@OrgId() organizationId: string, @Param('channel', ChannelParamPipe) channel: string, @Body() body: ChannelWebhookUpdateDto) {
    return this.webhooks.set(organizationId, channel, body);
  }

  @Delete()
  remove(@OrgId() organizationId: string, @Param('channel', ChannelParamPipe) channel: string) {
    return this.webhooks.remove(organizationId, channel);
  }

  @Post('regenerate-token')
  @HttpCode(200)
  regenerateToken(@OrgId() organizationId: string, @Param('channel', ChannelParamPipe) channel: string) {
    return this.webhooks.regenerateToken(organizationId, channel);
  }

  @Get('executions')
  executions(@OrgId() organizationId: string, @Param('channel', ChannelParamPipe) channel: string, @Query() query: ChannelExecutionsQueryDto) {
    return this.webhooks.executions(organizationId, channel, query);
  }
}
