import { Module } from '@nestjs/common';
import { EventTypeRepository } from '@app/database/repositories/event-type.repository';
import { EventTypeController } from './event-type.controller';
import { EventTypeService } from './event-type.service';

/** EventTypeCatalog comes from the global CatalogModule (one catalog per process). */
@Module({
  controllers: [EventTypeController],
  providers: [EventTypeRepository, EventTypeService],
})
export class EventTypesModule {}
