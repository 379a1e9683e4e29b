import { duplicates, expectAllDelivered, startEventStream } from './support/event-stream';
import { FAULT_WORKER_CONCURRENCY, useFaultStack } from './support/fault-stack';
import { waitFor } from './support/poll';

/**
 * The only worker is SIGKILLed while it has attempts in flight and events keep coming; a new one
 * takes over. Only the killed in-flight attempts may reach the receiver twice.
 */
describe('fault: worker SIGKILLed under load', () => {
  // Slow answers keep every slot of the worker busy when it is killed.
  const stack = useFaultStack({
    receiver: (_, response) => void setTimeout(() => response.writeHead(200).end('ok'), 50),
    workers: 0,
    orgName: 'worker kill',
  });

  it('delivers every event; duplicates only for the attempts the killed worker had in flight', async () => {
    const { api, key, receiver, workers } = stack;
    const first = await stack.addWorker();
    const stream = startEventStream(api, key);
    try {
      await waitFor(() => receiver.requests.length >= 60, { what: 'deliveries under way' });
      expect(await first.stop('SIGKILL')).toBe('SIGKILL');
      const atKill = stream.accepted.length;
      // Events keep coming while no worker runs, then a new one starts.
      await waitFor(() => stream.accepted.length >= atKill + 20, { what: '20 events while no worker runs' });
      await stack.addWorker();
      const atRestart = stream.accepted.length;
      await waitFor(() => stream.accepted.length >= atRestart + 40, { what: '40 events after the restart' });
    } finally {
      await stream.stop();
    }

    expect([...stream.statuses.keys()]).toEqual([202]);
    await expectAllDelivered(stream.accepted, receiver);
    const { extraRequests } = duplicates(receiver);
    expect(extraRequests).toBeLessThanOrEqual(FAULT_WORKER_CONCURRENCY);
    expect(workers[1].child.exitCode).toBeNull();
  });
});
