import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from '@app/config';
import { createWorker } from './create-worker';

/** Printed once the processors consume; test/support/worker-process.ts waits for it. */
export const WORKER_READY_MESSAGE = 'Hookline worker consuming';

async function main(): Promise<void> {
  const config = loadConfig();
  await createWorker(config);
  new Logger('HooklineWorker').log(`${WORKER_READY_MESSAGE} queues with prefix "${config.queuePrefix}" (${config.workerConcurrency} parallel deliveries)`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
  } else {
    console.error('Hookline worker failed to start:', error);
  }
  process.exit(1);
});
