import type { LoggerService } from '@nestjs/common';
import { PeriodicTask } from './periodic-task';

const logger = (): LoggerService & { warnings: string[] } => {
  const warnings: string[] = [];
  return { warnings, log: () => undefined, error: () => undefined, warn: (message: string) => void warnings.push(message) };
};

/** Settles promise callbacks queued by the timers just fired. */
const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('PeriodicTask', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs first after firstRunAfterMs, then every interval', async () => {
    let runs = 0;
    const task = new PeriodicTask({ name: 'count', intervalMs: 1000, firstRunAfterMs: 100, logger: logger(), run: async () => void runs++ });
    task.start();
    await jest.advanceTimersByTimeAsync(99);
    expect(runs).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(runs).toBe(1);
    await jest.advanceTimersByTimeAsync(2000);
    expect(runs).toBe(3);
    await task.stop();
    await jest.advanceTimersByTimeAsync(5000);
    expect(runs).toBe(3);
  });

  it('skips a tick while the previous run is still going', async () => {
    let started = 0;
    let finish: () => void = () => undefined;
    const task = new PeriodicTask({
      name: 'slow',
      intervalMs: 100,
      logger: logger(),
      run: () => {
        started++;
        return new Promise<void>((resolve) => (finish = resolve));
      },
    });
    task.start();
    await jest.advanceTimersByTimeAsync(500);
    expect(started).toBe(1);
    finish();
    await flush();
    await jest.advanceTimersByTimeAsync(100);
    expect(started).toBe(2);
    finish();
    await task.stop();
  });

  it('logs a failed run and tries again at the next tick', async () => {
    const log = logger();
    let runs = 0;
    const task = new PeriodicTask({
      name: 'flaky',
      intervalMs: 100,
      logger: log,
      run: async () => {
        if (runs++ === 0) throw new Error('Redis is away');
      },
    });
    task.start();
    await jest.advanceTimersByTimeAsync(200);
    expect(runs).toBe(2);
    expect(log.warnings).toEqual(['flaky failed, trying again in 100 ms: Redis is away']);
    await task.stop();
  });

  it('waits for the run in progress when stopped', async () => {
    let finish: () => void = () => undefined;
    const task = new PeriodicTask({ name: 'busy', intervalMs: 100, logger: logger(), run: () => new Promise<void>((resolve) => (finish = resolve)) });
    task.start();
    await jest.advanceTimersByTimeAsync(100);
    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await flush();
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(stopped).toBe(true);
  });
});
