import type { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QueueName, redisOptionsFromUrl } from '@app/queue';
import { startApi, type TestApi } from './support/api';
import { testConfig } from './support/config';
import { waitFor } from './support/poll';
import { useStack } from './support/stack';
import { startWorker } from './support/worker';

/**
 * The outbox sweep against the real Redis and PostgreSQL: events the API stored while Redis was
 * unreachable, and deliveries whose jobs vanished from Redis, are enqueued again and delivered.
 */
describe('maintenance: outbox sweep', () => {
  const config = testConfig({ outboxSweepIntervalMs: 200, workerLockDurationMs: 1000, retryBaseMs: 200, retryMaxDelayMs: 1000 });
  const stack = useStack({ workers: 0, config, orgName: 'outbox sweep' });
  // The same database and queues, but a Redis URL nothing listens on: intake cannot enqueue.
  const redislessConfig = { ...config, redisUrl: 'redis://127.0.0.1:1' };
  const workers: INestApplicationContext[] = [];
  const queues: Queue[] = [];

  beforeAll(async () => {
    await stack.createSubscription({ name: 'sweep', url: `${stack.receiver.url}/sweep`, events: ['*'] });
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.close()));
  });

  afterAll(async () => {
    await Promise.all(queues.map((queue) => queue.close()));
  });

  const start = async () => {
    const worker = await startWorker(config);
    workers.push(worker);
    return worker;
  };
  const queue = (name: string) => {
    const created = new Queue(name, { connection: redisOptionsFromUrl(config.redisUrl), prefix: config.queuePrefix });
    queues.push(created);
    return created;
  };
  const publish = async (client: TestApi, eventType: string) => {
    const response = await client.request('POST', '/v1/events', { key: stack.key, body: { event_type: eventType, data: { eventType } } });
    expect(response.status).toBe(202);
    return response.body.event_id as string;
  };
  const received = (eventId: string) => stack.receiver.requests.filter((request) => request.headers['webhook-id'] === eventId).length;
  const allReceived = (eventIds: string[]) =>
    waitFor(() => eventIds.every((id) => received(id) > 0), { timeoutMs: 20_000, what: `${eventIds.length} deliveries` });

  it('delivers events accepted while Redis was unreachable; two sweeping workers enqueue each once', async () => {
    const redislessApi = await startApi(redislessConfig);
    let eventIds: string[];
    try {
      eventIds = [await publish(redislessApi, 'sweep.outbox'), await publish(redislessApi, 'sweep.outbox'), await publish(redislessApi, 'sweep.outbox')];
    } finally {
      await redislessApi.close();
    }
    const stored = await stack.api.request('GET', `/v1/events/${eventIds[0]}`, { key: stack.key });
    expect(stored.status).toBe(200);
    expect(stored.body.deliveries).toEqual([]);
    expect(await queue(QueueName.Intake).getJobCounts()).toMatchObject({ waiting: 0, delayed: 0, active: 0 });

    // Both workers sweep every 200 ms; job ids are event ids, so no event is fanned out twice.
    await Promise.all([start(), start()]);
    await allReceived(eventIds);
    for (const eventId of eventIds) {
      const event = await stack.api.request('GET', `/v1/events/${eventId}`, { key: stack.key });
      expect(event.body.deliveries).toEqual([expect.objectContaining({ status: 'delivered', attempts: 1 })]);
      expect(received(eventId)).toBe(1);
    }
  });

  it('re-enqueues a retrying delivery whose job was lost with Redis', async () => {
    let failures = 0;
    stack.receiver.respondWith((request, response) => {
      if (request.headers['x-webhook-event'] === 'sweep.lost' && failures++ === 0) return void response.writeHead(500).end('first attempt fails');
      response.writeHead(200).end('ok');
    });
    await start();
    const eventId = await publish(stack.api, 'sweep.lost');
    const deliveries = queue(QueueName.Deliveries);
    const log = await waitFor(
      async () => {
        const delivery = (await stack.api.request('GET', `/v1/events/${eventId}`, { key: stack.key })).body.deliveries?.[0];
        return delivery?.status === 'retrying' && delivery;
      },
      { what: 'the first, failed attempt' },
    );
    // What a Redis restart without persistence does to the job waiting for the retry: it is gone.
    await waitFor(async () => (await deliveries.getJobState(log.log_id)) === 'delayed', { what: 'the retry to be scheduled' });
    await deliveries.remove(log.log_id);
    expect(await deliveries.getJobState(log.log_id)).toBe('unknown');

    await waitFor(async () => (await stack.api.request('GET', `/v1/events/${eventId}`, { key: stack.key })).body.deliveries?.[0]?.status === 'delivered', {
      timeoutMs: 20_000,
      what: 'the delivery after the sweep',
    });
    expect(received(eventId)).toBe(2);
  });
});
