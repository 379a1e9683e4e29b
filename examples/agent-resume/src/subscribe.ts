import { parseArgs } from 'node:util';
import { ConfigError, readHooklineSettings } from './agent-config';
import { APPROVAL_RESPONSES } from './approval-events';
import { WEBHOOK_PATH } from './agent-server';
import { HooklineClient } from './hookline-client';

const USAGE = 'usage: npm run subscribe -- [--url http://127.0.0.1:4000] [--payload-format envelope|data]';

/** `npm run subscribe`: subscribes the agent's receiver to the approval responses and prints the secret. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: process.env.AGENT_PUBLIC_URL || 'http://127.0.0.1:4000' },
      'payload-format': { type: 'string', default: 'envelope' },
    },
  });
  const payloadFormat = values['payload-format'];
  if (payloadFormat !== 'envelope' && payloadFormat !== 'data') throw new ConfigError(USAGE);
  const settings = readHooklineSettings();
  const hookline = new HooklineClient(settings.hooklineUrl, settings.apiKey);
  const subscription = await hookline.createSubscription({
    name: 'agent-resume example',
    url: `${values.url.replace(/\/+$/, '')}${WEBHOOK_PATH}`,
    events: APPROVAL_RESPONSES,
    payload_format: payloadFormat,
  });
  console.log(`Subscribed ${subscription.url} to ${subscription.events.join(', ')} (${subscription.payload_format}), subscription ${subscription.id}.`);
  console.log('Start the agent with:');
  console.log(`  export HOOKLINE_WEBHOOK_SECRET='${subscription.secret}'`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
