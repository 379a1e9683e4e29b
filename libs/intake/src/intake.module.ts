import { Module } from '@nestjs/common';
import { EventRepository } from '@app/database/repositories/event.repository';
import { EventStore } from './event-store';

/** The shared intake: storing events (EventStore) for the API and the worker. */
@Module({
  providers: [EventRepository, EventStore],
  exports: [EventRepository, EventStore],
})
export class IntakeModule {}
