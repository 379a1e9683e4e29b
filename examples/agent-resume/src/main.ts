import { ConfigError, readAgentSettings } from './agent-config';
import { startAgentServer, WEBHOOK_PATH } from './agent-server';
import { ApprovalAgent } from './approval-agent';
import { demoTools } from './demo-tools';
import { HooklineClient } from './hookline-client';
import { createFileRunStore } from './run-store';

/** `npm start`: the agent and its webhook receiver in one process. */
async function main(): Promise<void> {
  const settings = readAgentSettings();
  const store = createFileRunStore(settings.stateDir);
  const hookline = new HooklineClient(settings.hooklineUrl, settings.apiKey);
  const agent = new ApprovalAgent({ store, hookline, tools: demoTools });
  const running = await startAgentServer({
    agent,
    store,
    webhookSecret: settings.webhookSecret,
    tokenHeader: settings.tokenHeader,
    host: settings.host,
    port: settings.port,
  });

  const paused = (await store.list()).filter((run) => run.status === 'awaiting_approval');
  console.log(`Agent listening on ${running.url}`);
  console.log(`  webhook receiver: POST ${running.url}${WEBHOOK_PATH}`);
  console.log(`  runs:             POST/GET ${running.url}/runs, GET ${running.url}/runs/:call_id`);
  console.log(`  state:            ${settings.stateDir} (${paused.length} run(s) waiting for approval)`);

  const stop = () => {
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
