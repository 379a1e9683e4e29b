import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ReadinessService } from '@app/observability';
import { ApiAccess } from '../docs/api-docs.decorators';
import { LivenessResponseDto, ReadinessResponseDto } from './health.response';

/** Probes for orchestrators and load balancers; no authentication. */
@Controller('health')
@ApiTags('Operations')
@ApiAccess('public')
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  /** 200 while the process runs and serves HTTP. */
  @Get('live')
  @ApiOperation({ operationId: 'liveness', summary: 'Liveness probe' })
  @ApiOkResponse({ description: 'The process runs.', type: LivenessResponseDto, example: { status: 'ok' } })
  live(): LivenessResponseDto {
    return { status: 'ok' };
  }

  /** 200 when Redis and PostgreSQL answer, 503 naming the one that does not. */
  @Get('ready')
  @ApiOperation({ operationId: 'readiness', summary: 'Readiness probe (Redis and PostgreSQL)' })
  @ApiOkResponse({ description: 'Both dependencies answer.', type: ReadinessResponseDto, example: { status: 'ok', checks: { redis: 'up', postgres: 'up' } } })
  @ApiServiceUnavailableResponse({
    description: 'A dependency does not answer; `checks` names it.',
    type: ReadinessResponseDto,
    example: { status: 'unavailable', checks: { redis: 'down', postgres: 'up' } },
  })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessResponseDto> {
    const report = await this.readiness.check();
    if (report.status !== 'ok') reply.status(503);
    return report;
  }
}
