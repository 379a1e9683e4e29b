import { Module } from '@nestjs/common';
import { EventTypeController } from './event-type.controller';
import { EventTypeService } from './event-type.service';

/** EventTypeRepository and EventTypeCatalog come from the global DatabaseModule (one catalog per process). */
@Module({
  controllers: [EventTypeController],
  providers: [EventTypeService],
})
export class EventTypesModule {}
