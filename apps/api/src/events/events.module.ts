import { Module } from '@nestjs/common';
import { IntakeModule } from '@app/intake/intake.module';
import { EventController } from './event.controller';
import { EventWriter } from './event-writer';
import { EventService } from './event.service';

@Module({
  imports: [IntakeModule],
  controllers: [EventController],
  providers: [EventWriter, EventService],
  exports: [EventService],
})
export class EventsModule {}
