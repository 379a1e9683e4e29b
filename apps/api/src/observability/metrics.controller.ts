import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { HOOKLINE_CONFIG, type HooklineConfig } from '@app/config';
import { DomainError } from '@app/domain/errors';
import { METRICS_UNAUTHORIZED, MetricsService, metricsAccessAllowed } from '@app/observability';
import { ApiAccess } from '../docs/api-docs.decorators';

/** Prometheus scrape endpoint; open unless METRICS_TOKEN is set. */
const metricsExample = [
  '# HELP hookline_deliveries_total Deliveries by outcome: each attempt counts once (delivered, retrying, failed, blocked); cancelled ones ended without an attempt.',
  '# TYPE hookline_deliveries_total counter',
  'hookline_deliveries_total{outcome="delivered"} 1042',
  'hookline_deliveries_total{outcome="retrying"} 17',
  '# HELP hookline_queue_jobs Jobs in each queue by state, read from Redis at scrape time (absent while Redis does not answer).',
  '# TYPE hookline_queue_jobs gauge',
  'hookline_queue_jobs{queue="hookline-deliveries",state="waiting"} 3',
  '',
].join('\n');

@Controller('metrics')
@ApiTags('Operations')
@ApiAccess('metrics')
export class MetricsController {
  constructor(
    @Inject(HOOKLINE_CONFIG) private readonly config: HooklineConfig,
    private readonly metrics: MetricsService,
  ) {}

  @Get()
  @ApiOperation({
    operationId: 'metrics',
    summary: 'Prometheus metrics',
    description: 'Open unless METRICS_TOKEN is set. Metric names start with `hookline_`.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format.', type: String, example: metricsExample })
  async scrape(@Headers('authorization') authorization: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    if (!metricsAccessAllowed(authorization, this.config.metricsToken)) {
      throw new DomainError('unauthorized', METRICS_UNAUTHORIZED.message);
    }
    const { contentType, body } = await this.metrics.render();
    reply.header('content-type', contentType);
    return body;
  }
}
