import { Module } from '@nestjs/common';
import { SubscriptionRepository } from '@app/database/repositories/subscription.repository';
import { EventsModule } from '../events/events.module';
import { SubscriptionController } from './subscription.controller';
import { SubscriptionService } from './subscription.service';

@Module({
  imports: [EventsModule],
  controllers: [SubscriptionController],
  providers: [SubscriptionRepository, SubscriptionService],
})
export class SubscriptionsModule {}
