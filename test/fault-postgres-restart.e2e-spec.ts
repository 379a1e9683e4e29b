import { duplicates, expectAllDelivered, startEventStream } from './support/event-stream';
import { FAULT_WORKER_CONCURRENCY, useFaultStack } from './support/fault-stack';
import { waitFor } from './support/poll';

/**
 * PostgreSQL is shut down (sessions cut) and started again while deliveries run. Intake answers 503
 * while it is down; every event it answered 202 for is delivered once PostgreSQL is back.
 */
describe('fault: PostgreSQL restarted while deliveries run', () => {
  // A receiver taking a little time keeps attempts in flight when PostgreSQL goes away.
  const stack = useFaultStack({
    receiver: (_, response) => void setTimeout(() => response.writeHead(200).end('ok'), 20),
    orgName: 'postgres restart',
  });

  it('answers 503 while it is down and delivers every accepted event once it is back', async () => {
    const { api, key, receiver, postgres } = stack;
    const [worker] = stack.workers;
    const stream = startEventStream(api, key);
    let refusedDuringOutage: number;
    try {
      await waitFor(() => stream.accepted.length >= 60 && receiver.requests.length >= 20, { what: 'deliveries under way' });
      await postgres.stop();
      // About a second of refusals: long enough for the worker's retries (1 s backoff) to fail again.
      await waitFor(() => (stream.statuses.get(503) ?? 0) >= 200, { timeoutMs: 20_000, what: '503 answers while PostgreSQL is down' });
      refusedDuringOutage = stream.statuses.get(503) ?? 0;
      await postgres.start();
      const afterRestart = stream.accepted.length;
      await waitFor(() => stream.accepted.length >= afterRestart + 40, { timeoutMs: 30_000, what: '40 events after the restart' });
    } finally {
      await stream.stop();
    }

    expect(refusedDuringOutage).toBeGreaterThanOrEqual(200);
    // Only 202 and 503: no 500 and no dropped connection, during the outage or after it.
    expect([...stream.statuses.keys()].sort()).toEqual([202, 503]);
    await expectAllDelivered(stream.accepted, receiver);
    // An attempt whose answer could not be recorded (PostgreSQL gone mid-attempt) is made again: at
    // most the attempts in flight at that moment.
    expect(duplicates(receiver).extraRequests).toBeLessThanOrEqual(FAULT_WORKER_CONCURRENCY);
    expect(api.child.exitCode).toBeNull();
    expect(worker.child.exitCode).toBeNull();
  });
});
