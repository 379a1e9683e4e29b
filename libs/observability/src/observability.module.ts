import { Global, Module } from '@nestjs/common';
import { MetricsService } from './metrics.service';
import { ReadinessService } from './readiness.service';

/**
 * Metrics and readiness for the API and the worker. Needs the config, database and queue modules
 * (global in both apps); each app serves the two over HTTP in its own way.
 */
@Global()
@Module({
  providers: [MetricsService, ReadinessService],
  exports: [MetricsService, ReadinessService],
})
export class ObservabilityModule {}
