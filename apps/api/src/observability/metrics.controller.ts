import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HOOKLINE_CONFIG } from '@app/config';
import type { HooklineConfig } from '@app/domain/config';
import { DomainError } from '@app/domain/errors';
import { METRICS_UNAUTHORIZED, MetricsService, metricsAccessAllowed } from '@app/observability';

/** Prometheus scrape endpoint; open unless METRICS_TOKEN is set. */
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(HOOKLINE_CONFIG) private readonly config: HooklineConfig,
    private readonly metrics: MetricsService,
  ) {}

  @Get()
  async scrape(@Headers('authorization') authorization: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    if (!metricsAccessAllowed(authorization, this.config.metricsToken)) {
      throw new DomainError('unauthorized', METRICS_UNAUTHORIZED.message);
    }
    const { contentType, body } = await this.metrics.render();
    reply.header('content-type', contentType);
    return body;
  }
}
