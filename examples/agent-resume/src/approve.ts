import { parseArgs } from 'node:util';
import { ConfigError, readHooklineSettings } from './agent-config';
import { publishDecision } from './approver';
import { HooklineClient } from './hookline-client';

const USAGE = 'usage: npm run approve -- <call_id> [--deny] [--comment "..."] [--by "alice@example.com"]';

/** `npm run approve`: plays the human approver, publishing the decision for one call_id through Hookline. */
async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { deny: { type: 'boolean', default: false }, comment: { type: 'string' }, by: { type: 'string' } },
  });
  if (positionals.length !== 1) throw new ConfigError(USAGE);
  const settings = readHooklineSettings();
  const hookline = new HooklineClient(settings.hooklineUrl, settings.apiKey);
  const event = await publishDecision(hookline, { callId: positionals[0], approved: !values.deny, comment: values.comment, approvedBy: values.by });
  console.log(`Published ${event.event_type} ${event.event_id} for call_id ${positionals[0]}.`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
