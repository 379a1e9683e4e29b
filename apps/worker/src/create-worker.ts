import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { loadConfig, type HooklineConfig } from '@app/config';
import { PinoNestLogger, createLogger } from '@app/observability';
import { WorkerModule } from './worker.module';

export interface WorkerOptions {
  /** Where the JSON log lines go; stdout unless a test reads them. */
  logDestination?: DestinationStream;
}

/**
 * Builds the worker: an application context whose BullMQ processors start consuming on init, with
 * /health/* and /metrics on WORKER_HTTP_PORT (WorkerHttpServer).
 */
export async function createWorker(config: HooklineConfig = loadConfig(), options: WorkerOptions = {}): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: new PinoNestLogger(createLogger(config, 'worker', options.logDestination)),
  });
  // On SIGTERM Nest closes the BullMQ workers, which wait for in-flight jobs before resolving.
  app.enableShutdownHooks();
  return app;
}
