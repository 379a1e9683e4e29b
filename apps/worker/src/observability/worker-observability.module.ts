import { Module } from '@nestjs/common';
import { PrismaService } from '@app/database';
import { ObservabilityModule } from '@app/observability';
import { WorkerHttpServer } from './worker-http.server';

/** Metrics and readiness for the worker, served by its own small HTTP listener. */
@Module({
  imports: [ObservabilityModule.forRoot(PrismaService, 'hookline-worker')],
  providers: [WorkerHttpServer],
})
export class WorkerObservabilityModule {}
