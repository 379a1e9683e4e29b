import type { HooklineConfig } from '@app/config';
import type { TestApi } from './support/api';
import { waitFor } from './support/poll';
import type { ReceivedRequest, Receiver } from './support/receiver';
import { startStack, type Stack } from './support/stack';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process';

interface Sent {
  key: string;
  seq: number;
}
const dataOf = (request: ReceivedRequest) => JSON.parse(request.body).data as Sent;

/** Each key's events in the order their first successful receipt arrived. */
function firstSuccessOrder(successes: Sent[]): Map<string, number[]> {
  const seen = new Set<number>();
  const order = new Map<string, number[]>();
  for (const { key, seq } of successes) {
    if (seen.has(seq)) continue;
    seen.add(seq);
    order.set(key, [...(order.get(key) ?? []), seq]);
  }
  return order;
}

/** Each key's events in publication order. */
function publishedOrder(sent: Sent[]): Map<string, number[]> {
  const order = new Map<string, number[]>();
  for (const { key, seq } of sent) order.set(key, [...(order.get(key) ?? []), seq]);
  return order;
}

/**
 * Ordered delivery with worker processes sharing the queues and the database: per key, the first
 * successful receipt of each event follows publication order, with a receiver failing at random,
 * with two workers, and when the worker attempting a key's head is SIGKILLed.
 */
describe('ordered delivery across worker processes', () => {
  let stack: Stack;
  let api: TestApi;
  let receiver: Receiver;
  let config: HooklineConfig;
  let killConfig: HooklineConfig;
  const workers: WorkerProcess[] = [];
  /** Requests answered 200, in the order they were answered. */
  let successes: Sent[] = [];
  let handle: (request: ReceivedRequest) => 'ok' | 'fail' | 'hang';

  beforeAll(async () => {
    // Workers run as processes (below), on the stack's database and queues. Many attempts: a 30 %
    // failure rate never spends them. Retries after 10-50 ms: a key waits for its head's retry, and
    // ~430 retries of 100-200 ms were most of this file's minute.
    stack = await startStack({ workers: 0, config: { retryMaxAttempts: 20, retryBaseMs: 10, retryMaxDelayMs: 50, workerConcurrency: 20 } });
    ({ api, receiver, config } = stack);
    // 1 s locks and claims: a killed worker's jobs are taken over soon, and the deliveries it was
    // attempting are handed on by the outbox sweeper once their claims lapse.
    killConfig = { ...config, workerLockDurationMs: 1000, outboxSweepIntervalMs: 500 };
    receiver.respondWith((request, response) => {
      const verdict = handle(request);
      if (verdict === 'hang') return;
      if (verdict === 'ok') successes.push(dataOf(request));
      response.writeHead(verdict === 'ok' ? 200 : 500).end();
    });
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.stop('SIGKILL')));
  });

  afterAll(() => stack?.stop());

  const setUp = async (path: string) => {
    const { key } = await stack.addOrg('ordering workers');
    const subscription = await api.request('POST', '/v1/webhooks', {
      key,
      body: { name: 'ordered', url: `${receiver.url}${path}`, events: ['*'], ordering: 'per_key' },
    });
    expect(subscription.status).toBe(201);
    return key;
  };
  const publish = async (key: string, events: Sent[]) => {
    const response = await api.request('POST', '/v1/events/batch', {
      key,
      body: { events: events.map((event) => ({ event_type: 'order.step', data: event, ordering_key: event.key })) },
    });
    expect(response.status).toBe(202);
  };

  it('keeps each key in publication order with two workers and a receiver failing 30 % at random', async () => {
    successes = [];
    handle = () => (Math.random() < 0.3 ? 'fail' : 'ok');
    const key = await setUp('/random');
    workers.push(await startWorkerProcess(config), await startWorkerProcess(config));
    const sent: Sent[] = Array.from({ length: 1000 }, (_, seq) => ({ key: `customer/${Math.floor(Math.random() * 5)}`, seq }));
    // Requests of 1 to 100 events, one after the other: order within a request and across requests.
    for (let start = 0; start < sent.length;) {
      const size = 1 + Math.floor(Math.random() * 100);
      await publish(key, sent.slice(start, start + size));
      start += size;
    }
    await waitFor(() => new Set(successes.map((success) => success.seq)).size === sent.length, { timeoutMs: 120_000, what: 'every event received' });
    expect(firstSuccessOrder(successes)).toEqual(publishedOrder(sent));
    // The failures did happen, and were retried.
    expect(receiver.requests.filter((request) => request.path === '/random').length).toBeGreaterThan(1100);
  }, 180_000);

  it('lets nothing overtake a head whose worker was SIGKILLed mid-attempt', async () => {
    successes = [];
    let headAttempts = 0;
    let headArrived: () => void;
    const headInFlight = new Promise<void>((resolve) => (headArrived = resolve));
    handle = (request) => {
      if (dataOf(request).seq !== 0) return 'ok';
      headAttempts++;
      if (headAttempts > 1) return 'ok';
      headArrived();
      return 'hang';
    };
    const key = await setUp('/killed');
    workers.push(await startWorkerProcess(killConfig));
    const sent: Sent[] = Array.from({ length: 20 }, (_, seq) => ({ key: 'k', seq }));
    await publish(key, sent);
    await headInFlight;
    expect(await workers[0].stop('SIGKILL')).toBe('SIGKILL');
    expect(successes).toEqual([]);
    workers.push(await startWorkerProcess(killConfig));
    await waitFor(() => new Set(successes.map((success) => success.seq)).size === sent.length, { timeoutMs: 60_000, what: 'every event received' });
    expect(firstSuccessOrder(successes)).toEqual(publishedOrder(sent));
    expect(headAttempts).toBe(2);
  }, 120_000);
});
