import { Module } from '@nestjs/common';
import { MaintenanceRepository } from '@app/database/repositories/maintenance.repository';
import { MaintenanceLock } from './maintenance-lock';
import { MaintenanceScheduler } from './maintenance.scheduler';
import { OutboxSweeper } from './outbox-sweeper.service';
import { RetentionService } from './retention.service';

/** The worker's housekeeping: the outbox sweep (re-enqueues lost jobs) and retention (deletes old rows). */
@Module({
  providers: [MaintenanceRepository, MaintenanceLock, OutboxSweeper, RetentionService, MaintenanceScheduler],
  exports: [OutboxSweeper, RetentionService],
})
export class MaintenanceModule {}
