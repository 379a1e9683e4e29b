import { Module } from '@nestjs/common';
import { EventRepository } from '@app/database/repositories/event.repository';
import { EventController } from './event.controller';
import { EventWriter } from './event-writer';
import { EventService } from './event.service';

@Module({
  controllers: [EventController],
  providers: [EventRepository, EventWriter, EventService],
  exports: [EventService],
})
export class EventsModule {}
