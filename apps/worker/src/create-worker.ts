import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { HooklineConfig } from '@app/domain/config';
import { WorkerModule } from './worker.module';

/** Builds the worker: an application context whose BullMQ processors start consuming on init. */
export async function createWorker(config?: HooklineConfig): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: ['error', 'warn', 'log'],
  });
  // On SIGTERM Nest closes the BullMQ workers, which wait for in-flight jobs before resolving.
  app.enableShutdownHooks();
  return app;
}
