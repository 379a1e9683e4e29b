import { resolve } from 'node:path';

/** Settings of the example's processes, from environment variables. */
export interface HooklineSettings {
  /** HOOKLINE_URL, default http://127.0.0.1:3000 (what `npm run setup` starts). */
  hooklineUrl: string;
  /** HOOKLINE_API_KEY: the organization's API key. */
  apiKey: string;
}

export interface AgentSettings extends HooklineSettings {
  /** HOOKLINE_WEBHOOK_SECRET: the secret `npm run subscribe` printed (or a channel webhook's token). */
  webhookSecret: string;
  /** AGENT_HOST / AGENT_PORT, default 127.0.0.1:4000. */
  host: string;
  port: number;
  /** AGENT_STATE_DIR, default ./.agent-state: paused runs survive a restart there. */
  stateDir: string;
  /** HOOKLINE_TOKEN_HEADER: Hookline's WEBHOOK_TOKEN_HEADER, when a channel webhook with another name is used. */
  tokenHeader?: string;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export function readHooklineSettings(env: Env = process.env): HooklineSettings {
  return { hooklineUrl: env.HOOKLINE_URL || 'http://127.0.0.1:3000', apiKey: required(env, 'HOOKLINE_API_KEY') };
}

export function readAgentSettings(env: Env = process.env): AgentSettings {
  const port = Number(env.AGENT_PORT || 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`AGENT_PORT must be a port number, not "${env.AGENT_PORT}".`);
  return {
    ...readHooklineSettings(env),
    webhookSecret: required(env, 'HOOKLINE_WEBHOOK_SECRET', 'run `npm run subscribe` and export the secret it prints'),
    host: env.AGENT_HOST || '127.0.0.1',
    port,
    stateDir: resolve(env.AGENT_STATE_DIR || '.agent-state'),
    ...(env.HOOKLINE_TOKEN_HEADER && { tokenHeader: env.HOOKLINE_TOKEN_HEADER }),
  };
}

function required(env: Env, name: string, hint?: string): string {
  const value = env[name];
  if (!value) throw new ConfigError(`${name} is not set${hint ? `: ${hint}` : ''}.`);
  return value;
}
