import 'reflect-metadata';
import { loadConfig, startOrExit } from '@app/config';
import { createApiApp } from './create-app';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApiApp(config);
  await app.listen({ port: config.port, host: '0.0.0.0' });
}

startOrExit('Hookline API', main);
