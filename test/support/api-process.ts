import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { HooklineConfig } from '@app/config';
import { ADMIN_TOKEN, configEnv } from './config';
import { cleanupWhenGone, sparePort } from './fault-services';

/** The built API; `npm test` builds it first (`npx nest build api` does it alone). */
export const API_MAIN = join(__dirname, '..', '..', 'dist', 'apps', 'api', 'apps', 'api', 'src', 'main.js');

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
}

/** The API running as its own process, so it lives through what the test does to Redis and PostgreSQL. */
export interface ApiProcess {
  child: ChildProcess;
  baseUrl: string;
  output(): string;
  request<T = any>(method: string, path: string, options?: { key?: string; admin?: boolean; body?: unknown }): Promise<ApiAnswer<T>>;
  /** Creates an organization through the admin endpoint; returns its id and API key. */
  createOrg(name: string): Promise<{ id: string; api_key: string }>;
  stop(): Promise<void>;
}

/** Starts `node dist/.../api/main.js` on a spare port with the config as environment; resolves once it answers HTTP. (Generous: with e2e files in parallel a start may take several seconds.) */
export async function startApiProcess(config: HooklineConfig, { readyTimeoutMs = 30_000 } = {}): Promise<ApiProcess> {
  if (!existsSync(API_MAIN)) throw new Error(`${API_MAIN} is missing: build the API first (npm run build, or npx nest build api).`);
  const port = await sparePort();
  const child = spawn(process.execPath, [API_MAIN], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...configEnv(config), PORT: String(port), LOG_LEVEL: config.logLevel },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => (output += chunk.toString('utf8'));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  // Should the test process die without stop(), the API goes with it.
  const cancelWatchdog = cleanupWhenGone(`kill -9 ${child.pid}`);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve())).finally(cancelWatchdog);
  const baseUrl = `http://127.0.0.1:${port}`;

  const request: ApiProcess['request'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = {};
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    if (options.admin) headers.authorization = `Bearer ${config.adminToken ?? ADMIN_TOKEN}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await response.text();
    let body: any = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // non-JSON answers stay text
    }
    return { status: response.status, body };
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`API process exited (${child.exitCode}) before answering:\n${output}`);
    // Any HTTP answer means it listens; the route does not matter.
    if (
      await fetch(`${baseUrl}/health/live`).then(
        () => true,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`API process not answering after ${readyTimeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const createOrg = async (name: string) => {
    const response = await request('POST', '/v1/orgs', { admin: true, body: { name } });
    if (response.status !== 201) throw new Error(`createOrg failed: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as { id: string; api_key: string };
  };
  return { child, baseUrl, output: () => output, request, createOrg, stop };
}
