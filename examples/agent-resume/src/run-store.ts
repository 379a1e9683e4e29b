import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentRun } from './agent-run';

/** Where paused runs wait for their webhook, looked up by call_id. */
export interface RunStore {
  get(callId: string): Promise<AgentRun | undefined>;
  save(run: AgentRun): Promise<void>;
  list(): Promise<AgentRun[]>;
}

/**
 * One JSON file per run under `dir`, so an agent that restarts (or another process on the same disk) still
 * resumes the runs it paused. Files are named by a hash of the call_id: a call_id is free text up to 255
 * characters and comes from the network, so it never becomes a path itself.
 */
export function createFileRunStore(dir: string): RunStore {
  const fileOf = (callId: string) => join(dir, `${createHash('sha256').update(callId).digest('hex')}.json`);
  const ready = mkdir(dir, { recursive: true });

  const readRun = async (file: string): Promise<AgentRun | undefined> => {
    try {
      return JSON.parse(await readFile(file, 'utf8')) as AgentRun;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };

  return {
    async get(callId) {
      await ready;
      const run = await readRun(fileOf(callId));
      return run?.call_id === callId ? run : undefined;
    },
    async save(run) {
      await ready;
      // Write then rename: a crash mid-write leaves the previous state, never a truncated file.
      const file = fileOf(run.call_id);
      const partial = `${file}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        await writeFile(partial, `${JSON.stringify(run, null, 2)}\n`);
        await rename(partial, file);
      } catch (error) {
        await unlink(partial).catch(() => undefined);
        throw error;
      }
    },
    async list() {
      await ready;
      const files = (await readdir(dir)).filter((name) => name.endsWith('.json'));
      const runs = await Promise.all(files.map((name) => readRun(join(dir, name))));
      return runs.filter((run): run is AgentRun => run !== undefined).sort((a, b) => a.created_at.localeCompare(b.created_at));
    },
  };
}

/** Runs kept in this process only: for tests and demos where a restart may forget them. */
export function createMemoryRunStore(): RunStore {
  const runs = new Map<string, string>();
  return {
    get: async (callId) => {
      const saved = runs.get(callId);
      return saved === undefined ? undefined : (JSON.parse(saved) as AgentRun);
    },
    save: async (run) => {
      // Stored as JSON so callers never share (and mutate) the stored object, as with the file store.
      runs.set(run.call_id, JSON.stringify(run));
    },
    list: async () => [...runs.values()].map((saved) => JSON.parse(saved) as AgentRun).sort((a, b) => a.created_at.localeCompare(b.created_at)),
  };
}
