import { startApiProcess, type ApiProcess } from './support/api-process';
import { testConfig } from './support/config';
import { duplicates, expectAllDelivered, startEventStream } from './support/event-stream';
import { startThrowawayPostgres, startThrowawayRedis, type FaultService } from './support/fault-services';
import { waitFor } from './support/poll';
import { startReceiver, type Receiver } from './support/receiver';
import { orgClient } from './support/stack';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process';

const WORKER_CONCURRENCY = 10;

/**
 * PostgreSQL is shut down (sessions cut) and started again while deliveries run. Intake answers 503
 * while it is down; every event it answered 202 for is delivered once PostgreSQL is back.
 */
describe('fault: PostgreSQL restarted while deliveries run', () => {
  let redis: FaultService;
  let postgres: FaultService;
  let receiver: Receiver;
  let api: ApiProcess;
  let worker: WorkerProcess;
  let key: string;

  beforeAll(async () => {
    // A receiver taking a little time keeps attempts in flight when PostgreSQL goes away.
    // One at a time: a start that fails must not leave an already started one unknown to afterAll.
    redis = await startThrowawayRedis();
    postgres = await startThrowawayPostgres();
    receiver = await startReceiver((_, response) => void setTimeout(() => response.writeHead(200).end('ok'), 20));
    const config = testConfig({
      redisUrl: redis.url,
      databaseUrl: postgres.url,
      outboxSweepIntervalMs: 500,
      workerLockDurationMs: 1000,
      workerConcurrency: WORKER_CONCURRENCY,
    });
    api = await startApiProcess(config);
    worker = await startWorkerProcess(config);
    const org = orgClient(api, receiver, await api.createOrg('postgres restart'));
    key = org.key;
    await org.createSubscription({ name: 'all' });
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop('SIGKILL')]);
    await Promise.all([redis?.dispose(), postgres?.dispose(), receiver?.close()]);
  });

  it('answers 503 while it is down and delivers every accepted event once it is back', async () => {
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
    expect(duplicates(receiver).extraRequests).toBeLessThanOrEqual(WORKER_CONCURRENCY);
    expect(api.child.exitCode).toBeNull();
    expect(worker.child.exitCode).toBeNull();
  });
});
