export * from './queues';
export * from './publisher';
export * from './queue.module';
export * from './enqueue';
export * from './enqueue-in-time';
export * from './redis-client';
