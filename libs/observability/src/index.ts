export * from './logger';
export * from './metrics-access';
export * from './metrics.service';
export * from './observability.module';
export * from './pino-nest-logger';
export * from './readiness.service';
export * from './tracing';
