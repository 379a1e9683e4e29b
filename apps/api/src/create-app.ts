import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DestinationStream } from 'pino';
import { loadConfig, type HooklineConfig } from '@app/config';
import { PinoNestLogger, createLogger } from '@app/observability';
import { setupQueueBoard } from './admin-queues/setup-queue-board';
import { AppModule } from './app.module';
import { answerFrameworkError } from './common/framework-errors';
import { applyRouteBodyLimits } from './common/route-body';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { createValidationPipe } from './common/validation.pipe';
import { setupUi } from './dashboard/setup-ui';
import { setupDocs } from './docs/setup-docs';
import { RequestLogging } from './observability/request-logging';

/** Request bodies above this answer 413 (event intake limit; the batch intake has its own, see @BodyLimit). */
export const BODY_LIMIT_BYTES = 256 * 1024;
/** Longest path parameter: a 128-character channel, even percent-encoded (Fastify's default is 100). */
export const MAX_PARAM_LENGTH = 512;

export interface ApiAppOptions {
  /** Where the JSON log lines go; stdout unless a test reads them. */
  logDestination?: DestinationStream;
}

/** Builds the configured API app; main.ts listens on it, tests call it with their own config. */
export async function createApiApp(config: HooklineConfig = loadConfig(), options: ApiAppOptions = {}): Promise<NestFastifyApplication> {
  const logger = createLogger(config, 'api', options.logDestination);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    new FastifyAdapter({
      bodyLimit: BODY_LIMIT_BYTES,
      trustProxy: true,
      routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
      loggerInstance: logger,
      logController: new RequestLogging(),
      frameworkErrors: answerFrameworkError,
    }),
    { logger: new PinoNestLogger(logger) },
  );
  applyRouteBodyLimits(app.getHttpAdapter().getInstance());
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());
  app.enableShutdownHooks();
  await setupDocs(app);
  await setupQueueBoard(app, config);
  await setupUi(app, config);
  return app;
}
