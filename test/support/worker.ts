import type { INestApplicationContext } from '@nestjs/common';
import type { HooklineConfig } from '@app/config';
import { createWorker } from '../../apps/worker/src/create-worker';

/** Starts a worker in this process (use a child process, see worker-process.ts, to kill one). */
export async function startWorker(config: HooklineConfig): Promise<INestApplicationContext> {
  const worker = await createWorker(config);
  await worker.init();
  return worker;
}
