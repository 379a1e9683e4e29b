import { readFileSync } from 'node:fs';
import { waitFor } from './support/poll';
import { startReceiver, type Receiver } from './support/receiver';
import { useStack } from './support/stack';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process';

interface Attempt {
  attempt: number;
  request_status: 'success' | 'error';
  response_status: number | null;
  error_message: string | null;
  response_body: string | null;
}
interface DeliveryLog {
  status: string;
  attempts: number;
  attempts_detail: Attempt[];
}

const REQUEST_TIMEOUT_MS = 500;
const TEN_MB = 10 * 1024 * 1024;
const MB = 1024 * 1024;

/** Resident memory of a process in bytes, from /proc (Linux). */
function residentBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

/**
 * Receivers that misbehave, against a worker process: one that hangs, one that answers 10 MB, one that
 * redirects, ones that drop the connection. Each outcome is recorded as an attempt and handled by the
 * retry policy; none of them costs the worker memory or a slot for long.
 */
describe('fault: misbehaving receivers', () => {
  const stack = useStack({
    workers: 0,
    config: { requestTimeoutMs: REQUEST_TIMEOUT_MS, retryBaseMs: 100, retryMaxDelayMs: 500, workerConcurrency: 20 },
    orgName: 'misbehaving receivers',
  });
  let worker: WorkerProcess;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    worker = await startWorkerProcess(stack.config);
  });

  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await Promise.all(receivers.map((receiver) => receiver.close()));
  });

  const receiver = async (handler?: Parameters<typeof startReceiver>[0]) => {
    const started = await startReceiver(handler);
    receivers.push(started);
    return started;
  };
  /** A subscription to `url` receiving the events of type `eventType`. */
  const subscribe = (url: string, eventType: string, extra: Record<string, unknown> = {}) =>
    stack.createSubscription({ name: eventType, url, events: [eventType], ...extra });
  const publish = (eventType: string) => stack.publish({ event_type: eventType, data: { eventType } });
  /** The delivery log of the event's only delivery, once `done` says it has settled. */
  const settledLog = async (eventId: string, done: (log: DeliveryLog) => boolean, timeoutMs = 15_000): Promise<DeliveryLog> => {
    const { api, key } = stack;
    const logId = await waitFor(async () => (await api.request('GET', `/v1/events/${eventId}`, { key })).body.deliveries?.[0]?.log_id as string | undefined, {
      what: `the delivery of ${eventId}`,
    });
    return waitFor(
      async () => {
        const log = (await api.request<DeliveryLog>('GET', `/v1/webhooks/logs/${logId}`, { key })).body;
        return done(log) ? log : undefined;
      },
      { timeoutMs, what: `the delivery log of ${eventId} to settle` },
    );
  };

  it('records a hanging receiver as timed-out attempts and retries it', async () => {
    // The first two requests get no answer at all; the third is answered.
    const hanging = await receiver((_, response, index) => {
      if (index >= 2) response.writeHead(200).end('ok');
    });
    await subscribe(`${hanging.url}/hang`, 'fault.hang');
    const log = await settledLog(await publish('fault.hang'), (entry) => entry.status === 'delivered');

    expect(log.attempts).toBe(3);
    for (const attempt of log.attempts_detail.slice(0, 2)) {
      expect(attempt).toMatchObject({ request_status: 'error', response_status: null, error_message: `timeout after ${REQUEST_TIMEOUT_MS} ms` });
    }
    expect(log.attempts_detail[2]).toMatchObject({ request_status: 'success', response_status: 200 });
    expect(hanging.requests).toHaveLength(3);
  });

  it('keeps 4 KiB of a 10 MB answer and its memory flat across 20 of them', async () => {
    const body = Buffer.alloc(TEN_MB, 'x');
    const huge = await receiver((_, response) => {
      // The worker stops reading early and resets the connection: expected, not a receiver failure.
      response.on('error', () => undefined);
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(TEN_MB) }).end(body);
    });
    await subscribe(`${huge.url}/huge`, 'fault.huge');
    // Warm up (agents, code paths, pools) before the baseline.
    await settledLog(await publish('fault.huge'), (entry) => entry.status === 'delivered');
    const pid = worker.child.pid!;
    const baseline = residentBytes(pid);
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, residentBytes(pid))), 20);
    try {
      const eventIds = await Promise.all(Array.from({ length: 20 }, () => publish('fault.huge')));
      const logs = await Promise.all(eventIds.map((eventId) => settledLog(eventId, (entry) => entry.status === 'delivered')));
      for (const log of logs) {
        expect(log.attempts).toBe(1);
        expect(log.attempts_detail[0].response_body).toBe('x'.repeat(4096));
      }
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, residentBytes(pid));
    // Reading each answer whole would take 20 x 10 MB.
    expect((peak - baseline) / MB).toBeLessThan(50);
  });

  it('records a redirect as a failure and does not follow it', async () => {
    const target = await receiver();
    const redirecting = await receiver((_, response) => void response.writeHead(302, { location: `${target.url}/elsewhere` }).end());
    await subscribe(`${redirecting.url}/moved`, 'fault.redirect', { max_attempts: 2 });
    const log = await settledLog(await publish('fault.redirect'), (entry) => entry.status === 'failed');

    expect(log.attempts).toBe(2);
    for (const attempt of log.attempts_detail) {
      expect(attempt).toMatchObject({ request_status: 'error', response_status: 302 });
      expect(attempt.error_message).toContain('redirects are not followed');
    }
    expect(redirecting.requests).toHaveLength(2);
    expect(target.requests).toHaveLength(0);
  });

  it('records a connection dropped before the answer as an error and retries', async () => {
    const dropping = await receiver((_, response, index) => {
      if (index === 0) return void response.socket?.destroy();
      response.writeHead(200).end('ok');
    });
    await subscribe(`${dropping.url}/drop`, 'fault.drop');
    const log = await settledLog(await publish('fault.drop'), (entry) => entry.status === 'delivered');

    expect(log.attempts).toBe(2);
    expect(log.attempts_detail[0]).toMatchObject({ request_status: 'error', response_status: null });
    expect(log.attempts_detail[0].error_message).toMatch(/connection (closed|reset)/);
    expect(log.attempts_detail[1]).toMatchObject({ request_status: 'success', response_status: 200 });
  });

  it('records a connection dropped in the middle of the answer as an error and retries', async () => {
    const cutting = await receiver((_, response, index) => {
      if (index > 0) return void response.writeHead(200).end('ok');
      // Promises 1,000 bytes, sends a few, then cuts the connection.
      response.writeHead(200, { 'content-length': '1000' });
      response.write('partial answer', () => response.socket?.destroy());
    });
    await subscribe(`${cutting.url}/cut`, 'fault.cut');
    const log = await settledLog(await publish('fault.cut'), (entry) => entry.status === 'delivered');

    expect(log.attempts).toBe(2);
    expect(log.attempts_detail[0]).toMatchObject({ request_status: 'error', response_status: 200 });
    expect(log.attempts_detail[0].error_message).toMatch(/^HTTP 200, then response interrupted: /);
    expect(log.attempts_detail[1]).toMatchObject({ request_status: 'success', response_status: 200 });
  });
});
