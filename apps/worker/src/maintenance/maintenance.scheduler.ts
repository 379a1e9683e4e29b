import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { HOOKLINE_CONFIG, type HooklineConfig } from '@app/config';
import { MaintenanceLock } from './maintenance-lock';
import { OutboxSweeper } from './outbox-sweeper.service';
import { PeriodicTask } from './periodic-task';
import { RetentionService } from './retention.service';

/** A replica that took a task's lock runs it again at its next tick; others skip until it lapses. */
const LOCK_SHARE_OF_INTERVAL = 0.8;
/** Retention runs soon after start too, so frequently restarted workers still get to it. */
const RETENTION_FIRST_RUN_MAX_DELAY_MS = 60_000;

/**
 * Schedules the worker's housekeeping on timers of its own (no Redis needed to keep the schedule):
 * the outbox sweep every OUTBOX_SWEEP_INTERVAL_MS and retention every RETENTION_INTERVAL_MS.
 */
@Injectable()
export class MaintenanceScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(MaintenanceScheduler.name);
  private readonly tasks: PeriodicTask[] = [];

  constructor(
    @Inject(HOOKLINE_CONFIG) private readonly config: HooklineConfig,
    private readonly lock: MaintenanceLock,
    private readonly sweeper: OutboxSweeper,
    private readonly retention: RetentionService,
  ) {}

  onApplicationBootstrap(): void {
    const sweepInterval = this.config.outboxSweepIntervalMs;
    this.tasks.push(new PeriodicTask({ name: 'outbox sweep', intervalMs: sweepInterval, logger: this.logger, run: () => this.sweepOutbox(sweepInterval) }));
    if (this.config.retentionDays > 0) {
      const interval = this.config.retentionIntervalMs;
      this.tasks.push(
        new PeriodicTask({
          name: 'retention',
          intervalMs: interval,
          firstRunAfterMs: Math.min(interval, RETENTION_FIRST_RUN_MAX_DELAY_MS),
          logger: this.logger,
          run: () => this.applyRetention(interval),
        }),
      );
    }
    for (const task of this.tasks) task.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.retention.stop();
    await Promise.all(this.tasks.map((task) => task.stop()));
  }

  private async sweepOutbox(intervalMs: number): Promise<void> {
    // While Redis is away its commands would only queue up; the next tick after it returns sweeps.
    if (!this.lock.redisReady) {
      this.logger.debug('outbox sweep skipped: Redis is not connected');
      return;
    }
    if (!(await this.lock.acquire('outbox-sweep', intervalMs * LOCK_SHARE_OF_INTERVAL))) return;
    await this.sweeper.sweepEvents();
    await this.sweeper.sweepDeliveries();
  }

  private async applyRetention(intervalMs: number): Promise<void> {
    // Retention needs only PostgreSQL: without Redis every replica runs it, which is merely redundant.
    const elected = this.lock.redisReady ? await this.lock.acquire('retention', intervalMs * LOCK_SHARE_OF_INTERVAL).catch(() => true) : true;
    if (elected) await this.retention.deleteExpired();
  }
}
