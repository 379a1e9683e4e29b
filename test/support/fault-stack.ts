import type { HooklineConfig } from '@app/config';
import { startApiProcess, type ApiProcess } from './api-process';
import { testConfig } from './config';
import { startThrowawayPostgres, startThrowawayRedis, type FaultService } from './fault-services';
import { startReceiver, type Receiver, type ReceiverHandler } from './receiver';
import { orgClient, useStarted } from './stack';
import { startWorkerProcess, type WorkerProcess } from './worker-process';

/** The worker concurrency of a fault stack: the most attempts in flight when a fault strikes. */
export const FAULT_WORKER_CONCURRENCY = 10;

export interface FaultStackOptions {
  /** How the receiver answers (default: 200 at once). */
  receiver?: ReceiverHandler;
  /** How many worker processes start with the stack (default 1; addWorker() starts more). */
  workers?: number;
  /** The name of the organization created for the file. */
  orgName: string;
}

/**
 * What the fault tests start: a throwaway Redis and PostgreSQL the test may stop and start, a
 * receiver, the API and worker(s) as processes (they live through the faults), and an organization
 * with a key and a subscription to every event.
 */
export interface FaultStack {
  redis: FaultService;
  postgres: FaultService;
  receiver: Receiver;
  api: ApiProcess;
  config: HooklineConfig;
  /** Every worker process started, in order. */
  workers: WorkerProcess[];
  key: string;
  /** Starts one more worker process on the stack's config; stop() kills it. */
  addWorker(): Promise<WorkerProcess>;
  /** Stops the API and kills the workers, then removes Redis, PostgreSQL and the receiver. */
  stop(): Promise<void>;
}

/** Starts a fault stack; call stop() in afterAll. A failed start stops what it had started. */
export async function startFaultStack({ receiver: handler, workers: workerCount = 1, orgName }: FaultStackOptions): Promise<FaultStack> {
  let redis: FaultService | undefined;
  let postgres: FaultService | undefined;
  let receiver: Receiver | undefined;
  let api: ApiProcess | undefined;
  const workers: WorkerProcess[] = [];
  const stop = async () => {
    await Promise.all([api?.stop(), ...workers.map((worker) => worker.stop('SIGKILL'))]);
    await Promise.all([redis?.dispose(), postgres?.dispose(), receiver?.close()]);
  };
  try {
    // One at a time: a start that fails must not leave an already started one unknown to stop().
    redis = await startThrowawayRedis();
    postgres = await startThrowawayPostgres();
    receiver = await startReceiver(handler);
    const config = testConfig({
      redisUrl: redis.url,
      databaseUrl: postgres.url,
      // Redis lost on a restart is re-enqueued from the outbox within half a second.
      outboxSweepIntervalMs: 500,
      // A killed worker's jobs are taken over once their 1 s locks lapse.
      workerLockDurationMs: 1000,
      workerConcurrency: FAULT_WORKER_CONCURRENCY,
    });
    api = await startApiProcess(config);
    const addWorker = async () => {
      const worker = await startWorkerProcess(config);
      workers.push(worker);
      return worker;
    };
    for (let index = 0; index < workerCount; index++) await addWorker();
    const org = orgClient(api, receiver, await api.createOrg(orgName));
    await org.createSubscription({ name: 'all' });
    return { redis, postgres, receiver, api, config, workers, key: org.key, addWorker, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** startFaultStack() in the calling describe block's beforeAll, stop() in its afterAll (see useStack). */
export function useFaultStack(options: FaultStackOptions): FaultStack {
  return useStarted(() => startFaultStack(options));
}
