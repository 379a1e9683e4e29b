export * from './catalog.module';
export * from './event-type-catalog.service';
