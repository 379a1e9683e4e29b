import { Queue } from 'bullmq';
import { QueueName, redisOptionsFromUrl } from '@app/queue';
import type { TestApi } from './support/api';
import { waitFor } from './support/poll';
import type { Receiver } from './support/receiver';
import { startStack, type OrgClient, type Stack } from './support/stack';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process';

/**
 * Workers as real processes (the built dist/ worker: `npm test` builds it first): one SIGKILLed in the
 * middle of a request is replaced and nothing is lost; one sent SIGTERM finishes its attempt first.
 */
describe('worker: crash and shutdown', () => {
  // Short locks so a killed worker's job is taken over within seconds (BullMQ's default is 30 s).
  let stack: Stack;
  let org: OrgClient;
  let api: TestApi;
  let receiver: Receiver;
  let deliveries: Queue;
  let key: string;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    // Short locks and claims so a killed worker's work is taken over within seconds: its jobs by
    // BullMQ's stalled check, the deliveries it was attempting by the outbox sweeper once their
    // claims lapse.
    stack = await startStack({ workers: 0, config: { workerLockDurationMs: 1000, outboxSweepIntervalMs: 500 } });
    ({ api, receiver } = stack);
    deliveries = new Queue(QueueName.Deliveries, { connection: redisOptionsFromUrl(stack.config.redisUrl), prefix: stack.config.queuePrefix });
  });

  beforeEach(async () => {
    org = await stack.addOrg('worker crash');
    key = org.key;
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.stop('SIGKILL')));
  });

  afterAll(async () => {
    await deliveries?.close();
    await stack?.stop();
  });

  const startWorker = async () => {
    const worker = await startWorkerProcess(stack.config);
    workers.push(worker);
    return worker;
  };
  const subscribe = (path: string) => org.createSubscription({ name: path, url: `${receiver.url}${path}`, events: ['*'] });
  const publish = (eventType: string) => org.publish({ event_type: eventType, data: { eventType } });
  const deliveryOf = async (eventId: string) =>
    (await api.request('GET', `/v1/events/${eventId}`, { key })).body.deliveries?.[0] as { log_id: string; status: string; attempts: number } | undefined;
  const requestsFor = (eventId: string) => receiver.requests.filter((request) => request.headers['webhook-id'] === eventId);

  it('redelivers after a worker is SIGKILLed mid-request; no event is lost', async () => {
    let victimHeld = false;
    receiver.respondWith((request, response) => {
      if (request.path === '/crash' && request.headers['x-webhook-event'] === 'crash.victim' && !victimHeld) {
        victimHeld = true;
        return; // holds the request open: the worker dies waiting for the answer
      }
      response.writeHead(200).end('ok');
    });
    await subscribe('/crash');
    const first = await startWorker();

    const before = [await publish('crash.before'), await publish('crash.before')];
    const victim = await publish('crash.victim');
    await waitFor(() => victimHeld, { what: 'the held request' });
    expect(await first.stop('SIGKILL')).toBe('SIGKILL');

    // Published while no worker runs: waits in Redis.
    const after = [await publish('crash.after'), await publish('crash.after')];
    await startWorker();

    for (const eventId of [...before, victim, ...after]) {
      await waitFor(async () => (await deliveryOf(eventId))?.status === 'delivered', { timeoutMs: 20_000, what: `delivery of ${eventId}` }).catch(
        (error: Error) => {
          throw new Error(`${error.message}\n${JSON.stringify({ before, victim, after })}\nsecond worker output:\n${workers[1]?.output()}`);
        },
      );
    }
    // The killed attempt never reached the database; the receiver saw it twice, under one webhook-id.
    const victimDelivery = (await deliveryOf(victim))!;
    expect(victimDelivery.attempts).toBe(1);
    expect(requestsFor(victim)).toHaveLength(2);
    expect(requestsFor(victim).map((request) => request.headers['x-webhook-attempt'])).toEqual(['1', '1']);
    for (const eventId of [...before, ...after]) expect(requestsFor(eventId).length).toBeGreaterThanOrEqual(1);
  });

  it('finishes the in-flight attempt on SIGTERM, then exits', async () => {
    let release: (() => void) | undefined;
    receiver.respondWith((request, response) => {
      if (request.path !== '/slow') return void response.writeHead(200).end('ok');
      release = () => response.writeHead(200).end('finally');
    });
    await subscribe('/slow');
    const worker = await startWorker();
    const eventId = await publish('slow.answer');
    await waitFor(() => release, { what: 'the request in flight' });

    const exited = worker.stop('SIGTERM');
    await waitFor(() => worker.output().includes('shutting down: finishing in-flight deliveries'), { what: 'the shutdown to begin' });
    release!();
    // Nest re-raises the signal once the application has closed.
    expect(await exited).toBe('SIGTERM');
    expect(worker.output()).toContain('deliveries worker closed');

    // No worker runs any more: what the database holds was written by the one that shut down.
    const delivery = (await deliveryOf(eventId))!;
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 1 });
    const log = await api.request('GET', `/v1/webhooks/logs/${delivery.log_id}`, { key });
    expect(log.body.attempts_detail).toEqual([expect.objectContaining({ request_status: 'success', response_body: 'finally' })]);
    // The job was completed, not left active for the stalled check to run again.
    expect(await deliveries.getJob(delivery.log_id)).toBeUndefined();
    expect(requestsFor(eventId)).toHaveLength(1);
  });
});
