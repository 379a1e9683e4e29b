import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentRun } from './agent-run';
import { createFileRunStore, createMemoryRunStore, type RunStore } from './run-store';

const run = (callId: string, createdAt = '2030-01-01T00:00:00.000Z'): AgentRun => ({
  call_id: callId,
  status: 'awaiting_approval',
  task: 'Refund order 42',
  tool_call: { name: 'issue_refund', arguments: { order_id: 'ord_42' } },
  messages: [{ role: 'user', content: 'Refund order 42' }],
  created_at: createdAt,
  updated_at: createdAt,
});

describe('run stores', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agent-runs-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const stores: [string, () => RunStore][] = [
    ['file', () => createFileRunStore(join(dir, 'nested', 'state'))],
    ['memory', () => createMemoryRunStore()],
  ];

  it.each(stores)('%s: saves, replaces and finds runs by call_id, listing them oldest first', async (_, makeStore) => {
    const store = makeStore();
    expect(await store.get('call_a')).toBeUndefined();
    await store.save(run('call_b', '2030-01-02T00:00:00.000Z'));
    await store.save(run('call_a'));
    await store.save({ ...run('call_a'), status: 'denied' });
    expect(await store.get('call_a')).toMatchObject({ call_id: 'call_a', status: 'denied' });
    expect((await store.list()).map((saved) => saved.call_id)).toEqual(['call_a', 'call_b']);
  });

  it.each(stores)('%s: hands out copies, so a caller cannot change the stored run', async (_, makeStore) => {
    const store = makeStore();
    await store.save(run('call_copy'));
    const loaded = await store.get('call_copy');
    loaded!.status = 'completed';
    expect(await store.get('call_copy')).toMatchObject({ status: 'awaiting_approval' });
  });

  it('file: a new store on the same directory (an agent restart) finds the runs', async () => {
    await createFileRunStore(dir).save(run('call_restart'));
    expect(await createFileRunStore(dir).get('call_restart')).toEqual(run('call_restart'));
  });

  it('file: call_ids that look like paths stay inside the directory, one hashed file each', async () => {
    const store = createFileRunStore(dir);
    const hostile = ['../../etc/passwd', 'a/b', `long_${'x'.repeat(250)}`, 'ünï ✓'];
    for (const callId of hostile) await store.save(run(callId));
    for (const callId of hostile) expect(await store.get(callId)).toMatchObject({ call_id: callId });
    const files = await readdir(dir);
    expect(files).toHaveLength(hostile.length);
    expect(files.every((name) => /^[0-9a-f]{64}\.json$/.test(name))).toBe(true);
  });
});
