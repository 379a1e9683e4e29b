import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CHANNEL_PATTERN } from '@app/domain/event-matching';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { AllowPortal } from '../auth/portal-access';
import { OrgId } from '../auth/request-principal';
import { ApiAccess, ApiErrors, ApiJsonBody } from '../docs/api-docs.decorators';
import { ChannelParamPipe } from './channel-param.pipe';
import { ChannelExecutionsQueryDto, ChannelWebhookUpdateDto } from './channel-webhook.dto';
import { ChannelExecutionListResponseDto, ChannelWebhookResponseDto } from './channel-webhook.response';
import { ChannelWebhookService } from './channel-webhook.service';

const CHANNEL = 'worker:w_123';
const URL = 'https://agents.example.com/hooks/worker-123';
const webhookExample = { url: URL, token: 'whk_Q2hhbm5lbFRva2VuRXhhbXBsZTEyMzQ1Ng' };
const executionExample = {
  id: 'att_01JZ8QG3H4J5K6M7N8P9QRSTUV',
  created_at: '2025-07-01T09:31:00.210Z',
  duration_ms: 63,
  error_message: null,
  request_status: 'success',
  response_status: 200,
  event_id: 'evt_01JZ8QC4D5E6F7G8H9J0K1M2NP',
  event_type: 'task.completed',
  url: URL,
  channel: CHANNEL,
};

/** The one webhook of a channel: `{url, token}`, its token and its execution history. */
@Controller('v1/channels/:channel/webhook')
@UseGuards(ApiKeyGuard)
// A portal token reaches its own tenant's channel only; the guard answers 404 for any other.
@AllowPortal({ channelParam: 'channel' })
@ApiTags('Channel webhooks')
@ApiAccess('apiKey')
@ApiParam({
  name: 'channel',
  description: 'The channel: 1 to 128 characters of [A-Za-z0-9_.:-] (percent-encode `:` if your client needs to).',
  example: CHANNEL,
  schema: { type: 'string', pattern: CHANNEL_PATTERN.source },
})
export class ChannelWebhookController {
  constructor(private readonly webhooks: ChannelWebhookService) {}

  @Get()
  @ApiOperation({ operationId: 'getChannelWebhook', summary: "Get a channel's webhook" })
  @ApiOkResponse({ description: 'The webhook; both fields null when none is set.', type: ChannelWebhookResponseDto, example: webhookExample })
  @ApiErrors('ValidationFailed')
  get(@OrgId() organizationId: string, @Param('channel', ChannelParamPipe) channel: string) {
    return this.webhooks.get(organizationId, channel);
  }

  @Put()
  @ApiOperation({
    operationId: 'setChannelWebhook',
    summary: "Set or replace a channel's webhook URL",
    description: 'The token is generated the first time a URL is set and kept by later updates. `{"url": null}` clears URL and token.',
  })
  @ApiJsonBody(ChannelWebhookUpdateDto, { url: URL, payload_format: 'data' })
  @ApiOkResponse({ description: 'The webhook.', type: ChannelWebhookResponseDto, example: webhookExample })
  set(@OrgId() organizationId: string, @Param('channel', ChannelParamPipe) channel: string, @Body() body: ChannelWebhookUpdateDto) {
    return this.webhooks.set(organizationId, channel, body);
  }

  @Delete()
  @ApiOperation({
    operationId: 'deleteChannelWebhook',
    summary: "Remove a channel's webhook",
    description: 'No further deliveries; answers the same when none was set.',
  })
  @ApiOkResponse({ description: 'Removed.', type: ChannelWebhookResponseDto, example: { url: null, token: null } })
  @ApiErrors('ValidationFailed')
  remove(@OrgId() organizationId: string, @Param('channel', ChannelParamPipe) channel: string) {
    return this.webhooks.remove(organizationId, channel);
  }

  @Post('regenerate-token')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'regenerateChannelWebhookToken',
    summary: 'Replace the token',
    description: 'The old token is not sent again, retries included; the URL is kept.',
  })
  @ApiOkResponse({
    description: 'The webhook with its new token.',
    type: ChannelWebhookResponseDto,
    example: { url: URL, token: 'whk_TmV3VG9rZW5BZnRlclJlZ2VuZXJhdGlvbjk4' },
  })
  @ApiErrors('ValidationFailed', 'NotFound')
  regenerateToken(@OrgId() organizationId: string, @Param('channel', ChannelParamPipe) channel: string) {
    return this.webhooks.regenerateToken(organizationId, channel);
  }

  @Get('executions')
  @ApiOperation({
    operationId: 'listChannelWebhookExecutions',
    summary: "List the channel webhook's HTTP attempts",
    description: 'Newest first, 50 per page, attempts of earlier webhooks of the channel included; an empty page when the channel has none.',
  })
  @ApiOkResponse({
    description: 'A page of attempts.',
    type: ChannelExecutionListResponseDto,
    example: { logs: [executionExample], page: 1, page_count: 1, total_count: 1 },
  })
  @ApiErrors('ValidationFailed')
  executions(@OrgId() organizationId: string, @Param('channel', ChannelParamPipe) channel: string, @Query() query: ChannelExecutionsQueryDto) {
    return this.webhooks.executions(organizationId, channel, query);
  }
}
