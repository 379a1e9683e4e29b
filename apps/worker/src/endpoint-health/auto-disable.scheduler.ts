import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { HOOKLINE_CONFIG, type HooklineConfig } from '@app/config';
import { PeriodicTask } from '../maintenance/periodic-task';
import { AutoDisableService } from './auto-disable.service';

/**
 * Runs the auto-disable check every DISABLE_CHECK_INTERVAL_MS (at most a minute) on every replica:
 * the conditional UPDATE lets only one replica disable (and announce) each subscription, so no lock.
 */
@Injectable()
export class AutoDisableScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AutoDisableScheduler.name);
  private task: PeriodicTask | undefined;

  constructor(
    @Inject(HOOKLINE_CONFIG) private readonly config: HooklineConfig,
    private readonly autoDisable: AutoDisableService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.autoDisable.enabled) return;
    this.task = new PeriodicTask({
      name: 'auto-disable check',
      intervalMs: this.config.disableCheckIntervalMs,
      logger: this.logger,
      run: async () => {
        await this.autoDisable.disableFailing();
      },
    });
    this.task.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.task?.stop();
  }
}
