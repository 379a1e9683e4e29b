import { Module } from '@nestjs/common';
import { ObservabilityModule } from '@app/observability';
import { WorkerHttpServer } from './worker-http.server';

/** Metrics and readiness for the worker, served by its own small HTTP listener. */
@Module({
  imports: [ObservabilityModule],
  providers: [WorkerHttpServer],
})
export class WorkerObservabilityModule {}
