import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { HooklineConfig } from '@app/config';
import { configEnv } from './config';

/** The built worker; `npm test` builds it first (`npx nest build worker` does it alone). */
export const WORKER_MAIN = join(__dirname, '..', '..', 'dist', 'apps', 'worker', 'apps', 'worker', 'src', 'main.js');
/** What the worker's main.ts logs once its processors consume (WORKER_READY_MESSAGE). */
const READY_MESSAGE = 'Hookline worker consuming';

/** A worker running as its own process, so a test can SIGKILL or SIGTERM it. */
export interface WorkerProcess {
  child: ChildProcess;
  /** Everything it printed so far (for failure messages). */
  output(): string;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
  /** Sends `signal` and waits for the process to end. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Starts `node dist/.../worker/main.js` with the config as environment and waits until it consumes. (Generous: with e2e files in parallel a start may take several seconds.) */
export async function startWorkerProcess(config: HooklineConfig, { readyTimeoutMs = 30_000 } = {}): Promise<WorkerProcess> {
  if (!existsSync(WORKER_MAIN)) {
    throw new Error(`${WORKER_MAIN} is missing: build the worker first (npm run build, or npx nest build worker).`);
  }
  const child = spawn(process.execPath, [WORKER_MAIN], {
    // The ready line is logged at info: a quieter LOG_LEVEL would hide it (and the test would time out).
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      ...configEnv(config),
      LOG_LEVEL: config.logLevel === 'debug' || config.logLevel === 'trace' ? config.logLevel : 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker process not ready after ${readyTimeoutMs} ms:\n${output}`)), readyTimeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes(READY_MESSAGE)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`worker process exited (${code}) before it was ready:\n${output}`));
    });
  });
  const handle: WorkerProcess = {
    child,
    output: () => output,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  try {
    await ready;
  } catch (error) {
    await handle.stop('SIGKILL');
    throw error;
  }
  return handle;
}
