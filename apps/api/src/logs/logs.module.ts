import { Module } from '@nestjs/common';
import { DeliveryLogRepository } from '@app/database/repositories/delivery-log.repository';
import { SubscriptionRepository } from '@app/database/repositories/subscription.repository';
import { LogController } from './log.controller';
import { LogService } from './log.service';

@Module({
  controllers: [LogController],
  providers: [DeliveryLogRepository, SubscriptionRepository, LogService],
})
export class LogsModule {}
