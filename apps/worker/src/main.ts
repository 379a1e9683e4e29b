import 'reflect-metadata';
import { ConfigError, loadConfig } from '@app/domain/config';
import { createWorker } from './create-worker';

async function main(): Promise<void> {
  await createWorker(loadConfig());
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
  } else {
    console.error('Hookline worker failed to start:', error);
  }
  process.exit(1);
});
