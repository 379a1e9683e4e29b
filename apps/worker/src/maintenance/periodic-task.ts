import type { LoggerService } from '@nestjs/common';

export interface PeriodicTaskOptions {
  name: string;
  intervalMs: number;
  /** Delay before the first run; defaults to one interval. */
  firstRunAfterMs?: number;
  run: () => Promise<void>;
  logger: LoggerService;
}

/**
 * Runs `run` every `intervalMs` on a timer that does not keep the process alive. A run still going
 * when the next one is due makes that one skip (no pile-up while PostgreSQL or Redis hangs); a run
 * that throws is logged and the next one tries again, so an outage never stops the schedule.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: PeriodicTaskOptions) {}

  start(): void {
    this.stopped = false;
    const first = setTimeout(() => {
      void this.tick();
      if (this.stopped) return;
      this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
      this.timer.unref();
    }, this.options.firstRunAfterMs ?? this.options.intervalMs);
    first.unref();
    this.timer = first;
  }

  /** Stops the schedule and waits for a run in progress to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.timer);
    await this.running;
  }

  /** Runs the task now unless a run is in progress (then waits for that one). */
  async runNow(): Promise<void> {
    if (!this.running) {
      this.running = this.runOnce().finally(() => {
        this.running = undefined;
      });
    }
    await this.running;
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.running) return;
    await this.runNow();
  }

  private async runOnce(): Promise<void> {
    try {
      await this.options.run();
    } catch (error) {
      this.options.logger.warn(`${this.options.name} failed, trying again in ${this.options.intervalMs} ms: ${(error as Error).message}`);
    }
  }
}
