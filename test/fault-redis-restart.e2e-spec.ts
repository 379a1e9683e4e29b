import { duplicates, expectAllDelivered, startEventStream } from './support/event-stream';
import { useFaultStack } from './support/fault-stack';
import { waitFor } from './support/poll';

/**
 * Redis (without persistence) is killed and started again, empty, while events stream in. The API
 * keeps answering 202 (the events are in PostgreSQL); the outbox sweep enqueues what Redis lost.
 */
describe('fault: Redis restarted while events stream in', () => {
  const stack = useFaultStack({ orgName: 'redis restart' });

  it('accepts every event during the outage and delivers each one exactly once', async () => {
    const { api, key, receiver, redis } = stack;
    const [worker] = stack.workers;
    const stream = startEventStream(api, key);
    try {
      await waitFor(() => stream.accepted.length >= 40, { what: '40 events before the outage' });
      await redis.stop();
      const beforeOutage = stream.accepted.length;
      // Intake waits for the enqueue a moment, then answers 202 anyway.
      await waitFor(() => stream.accepted.length >= beforeOutage + 12, { timeoutMs: 30_000, what: '12 events accepted while Redis is down' });
      await redis.start();
      const afterOutage = stream.accepted.length;
      await waitFor(() => stream.accepted.length >= afterOutage + 40, { timeoutMs: 30_000, what: '40 events after the restart' });
    } finally {
      await stream.stop();
    }

    expect([...stream.statuses.keys()]).toEqual([202]);
    await expectAllDelivered(stream.accepted, receiver);
    // Nothing was in flight twice: the jobs Redis lost were only re-created for rows still open.
    expect(duplicates(receiver)).toEqual({ ids: [], extraRequests: 0 });
    // Both rode out the outage, reporting it in log lines rather than raw stack traces on stderr.
    const rawConnectionErrors = (output: string) => output.split('\n').filter((line) => line.includes('ECONNREFUSED') && !line.startsWith('{'));
    expect(rawConnectionErrors(api.output())).toEqual([]);
    expect(rawConnectionErrors(worker.output())).toEqual([]);
    expect(api.child.exitCode).toBeNull();
    expect(worker.child.exitCode).toBeNull();
  });

  it('lets API and worker shut down promptly on SIGTERM while Redis is down', async () => {
    const { api, redis } = stack;
    const [worker] = stack.workers;
    await redis.stop();
    api.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    // Neither may wait for Redis to return: an outage can outlast any termination grace period.
    const ended = (child: typeof api.child) => child.exitCode !== null || child.signalCode !== null;
    await waitFor(() => ended(api.child) && ended(worker.child), { timeoutMs: 10_000, what: 'both processes to exit' });
    expect(worker.child.signalCode).toBe('SIGTERM');
    expect(worker.output()).toContain('deliveries worker closed');
  });
});
