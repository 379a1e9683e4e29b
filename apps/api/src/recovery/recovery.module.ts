import { Module } from '@nestjs/common';
import { DeliveryRecoveryRepository } from '@app/database/repositories/delivery-recovery.repository';
import { SubscriptionRepository } from '@app/database/repositories/subscription.repository';
import { RecoveryController } from './recovery.controller';
import { RecoveryService } from './recovery.service';

@Module({
  controllers: [RecoveryController],
  providers: [SubscriptionRepository, DeliveryRecoveryRepository, RecoveryService],
})
export class RecoveryModule {}
