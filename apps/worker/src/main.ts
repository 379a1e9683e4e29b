import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfig, startOrExit } from '@app/config';
import { createWorker } from './create-worker';

/** Printed once the processors consume; test/support/worker-process.ts waits for it. */
export const WORKER_READY_MESSAGE = 'Hookline worker consuming';

async function main(): Promise<void> {
  const config = loadConfig();
  await createWorker(config);
  new Logger('HooklineWorker').log(`${WORKER_READY_MESSAGE} queues with prefix "${config.queuePrefix}" (${config.workerConcurrency} parallel deliveries)`);
}

startOrExit('Hookline worker', main);
