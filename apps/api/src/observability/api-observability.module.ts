import { Module } from '@nestjs/common';
import { PrismaService } from '@app/database';
import { ObservabilityModule } from '@app/observability';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';

/** /health/live, /health/ready and /metrics of the API. */
@Module({
  imports: [ObservabilityModule.forRoot(PrismaService, 'hookline-api')],
  controllers: [HealthController, MetricsController],
})
export class ApiObservabilityModule {}
