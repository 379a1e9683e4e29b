import { Module } from '@nestjs/common';
import { SubscriptionRepository } from '@app/database/repositories/subscription.repository';
import { EventsModule } from '../events/events.module';
import { SubscriptionController } from './subscription.controller';
import { SubscriptionFilterService } from './subscription-filter.service';
import { SubscriptionService } from './subscription.service';

@Module({
  imports: [EventsModule],
  controllers: [SubscriptionController],
  providers: [SubscriptionRepository, SubscriptionService, SubscriptionFilterService],
})
export class SubscriptionsModule {}
