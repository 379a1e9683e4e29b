export * from './event.dto';
export * from './event-validation';
export * from './event-store';
export * from './intake.module';
