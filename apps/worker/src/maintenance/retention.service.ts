import { Inject, Injectable, Logger } from '@nestjs/common';
import { HOOKLINE_CONFIG, type HooklineConfig } from '@app/config';
import { MaintenanceRepository, type EventCursor } from '@app/database/repositories/maintenance.repository';

const DAY_MS = 24 * 3600_000;
/** Events visited per step, and rows per DELETE statement: short transactions, short row locks. */
const EVENTS_PER_STEP = 500;
const ROWS_PER_DELETE = 1000;

export interface RetentionResult {
  attempts: number;
  deliveries: number;
  events: number;
}

/**
 * Deletes what is older than RETENTION_DAYS: attempts, then deliveries that have ended, then events
 * left without deliveries. Open deliveries and events never fanned out are kept whatever their age.
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger(RetentionService.name);
  private stopping = false;

  constructor(
    @Inject(HOOKLINE_CONFIG) private readonly config: HooklineConfig,
    private readonly repository: MaintenanceRepository,
  ) {}

  /** Makes a pass in progress stop after its current step (shutdown). */
  stop(): void {
    this.stopping = true;
  }

  async deleteExpired(now = new Date()): Promise<RetentionResult> {
    const total: RetentionResult = { attempts: 0, deliveries: 0, events: 0 };
    if (this.config.retentionDays <= 0) return total;
    const cutoff = new Date(now.getTime() - this.config.retentionDays * DAY_MS);
    let cursor: EventCursor | null = null;
    do {
      const step = await this.repository.deleteExpiredBatch(cutoff, cursor, EVENTS_PER_STEP, ROWS_PER_DELETE);
      total.attempts += step.attempts;
      total.deliveries += step.deliveries;
      total.events += step.events;
      cursor = step.next;
    } while (cursor && !this.stopping);
    if (total.events + total.deliveries + total.attempts > 0) {
      this.logger.log(
        `retention: deleted ${total.events} event(s), ${total.deliveries} delivery(ies) and ${total.attempts} attempt(s) older than ${this.config.retentionDays} day(s)`,
      );
    }
    return total;
  }
}
