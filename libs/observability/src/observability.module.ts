import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { MetricsService } from './metrics.service';
import { TRACING_SERVICE_NAME, Tracing } from './tracing';
import { DATABASE_PROBE, ReadinessService, type DatabaseProbe } from './readiness.service';

/**
 * Metrics, readiness and tracing for the API and the worker. Needs the config and queue modules (global in
 * both apps); each app passes the provider that probes its database and serves the two over HTTP
 * in its own way.
 */
@Module({})
export class ObservabilityModule {
  static forRoot(database: Type<DatabaseProbe>, serviceName: string): DynamicModule {
    return {
      module: ObservabilityModule,
      global: true,
      providers: [
        MetricsService,
        ReadinessService,
        Tracing,
        { provide: DATABASE_PROBE, useExisting: database },
        { provide: TRACING_SERVICE_NAME, useValue: serviceName },
      ],
      exports: [MetricsService, ReadinessService, Tracing],
    };
  }
}
