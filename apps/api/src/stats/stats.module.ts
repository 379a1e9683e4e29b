import { Module } from '@nestjs/common';
import { DeliveryStatsRepository } from '@app/database/repositories/delivery-stats.repository';
import { DeliveryStatsService } from './delivery-stats.service';
import { StatsController } from './stats.controller';

@Module({
  controllers: [StatsController],
  providers: [DeliveryStatsRepository, DeliveryStatsService],
})
export class StatsModule {}
