export * from './queues';
export * from './publisher';
export * from './queue.module';
