import { Module } from '@nestjs/common';
import { EventRepository } from '@app/database/repositories/event.repository';
import { EventController } from './event.controller';
import { EventService } from './event.service';

@Module({
  controllers: [EventController],
  providers: [EventRepository, EventService],
  exports: [EventService],
})
export class EventsModule {}
