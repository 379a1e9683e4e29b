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
 * The only worker is SIGKILLed while it has attempts in flight and events keep coming; a new one
 * takes over. Only the killed in-flight attempts may reach the receiver twice.
 */
describe('fault: worker SIGKILLed under load', () => {
  let redis: FaultService;
  let postgres: FaultService;
  let receiver: Receiver;
  let api: ApiProcess;
  const workers: WorkerProcess[] = [];
  let key: string;
  const config = () =>
    testConfig({
      redisUrl: redis.url,
      databaseUrl: postgres.url,
      outboxSweepIntervalMs: 500,
      // The killed worker's jobs are taken over once their 1 s locks lapse.
      workerLockDurationMs: 1000,
      workerConcurrency: WORKER_CONCURRENCY,
    });

  beforeAll(async () => {
    // Slow answers keep every slot of the worker busy when it is killed.
    // One at a time: a start that fails must not leave an already started one unknown to afterAll.
    redis = await startThrowawayRedis();
    postgres = await startThrowawayPostgres();
    receiver = await startReceiver((_, response) => void setTimeout(() => response.writeHead(200).end('ok'), 50));
    api = await startApiProcess(config());
    const org = orgClient(api, receiver, await api.createOrg('worker kill'));
    key = org.key;
    await org.createSubscription({ name: 'all' });
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), ...workers.map((worker) => worker.stop('SIGKILL'))]);
    await Promise.all([redis?.dispose(), postgres?.dispose(), receiver?.close()]);
  });

  it('delivers every event; duplicates only for the attempts the killed worker had in flight', async () => {
    const first = await startWorkerProcess(config());
    workers.push(first);
    const stream = startEventStream(api, key);
    try {
      await waitFor(() => receiver.requests.length >= 60, { what: 'deliveries under way' });
      expect(await first.stop('SIGKILL')).toBe('SIGKILL');
      const atKill = stream.accepted.length;
      // Events keep coming while no worker runs, then a new one starts.
      await waitFor(() => stream.accepted.length >= atKill + 20, { what: '20 events while no worker runs' });
      workers.push(await startWorkerProcess(config()));
      const atRestart = stream.accepted.length;
      await waitFor(() => stream.accepted.length >= atRestart + 40, { what: '40 events after the restart' });
    } finally {
      await stream.stop();
    }

    expect([...stream.statuses.keys()]).toEqual([202]);
    await expectAllDelivered(stream.accepted, receiver);
    const { extraRequests } = duplicates(receiver);
    expect(extraRequests).toBeLessThanOrEqual(WORKER_CONCURRENCY);
    expect(workers[1].child.exitCode).toBeNull();
  });
});
