import { Global, Module } from '@nestjs/common';
import { EventTypeRepository } from '@app/database/repositories/event-type.repository';
import { EventTypeCatalog } from './event-type-catalog.service';

/**
 * The event-type catalog of the API and the worker. Global and imported once per app: one catalog
 * per process, so the API's writes drop the entries its intake cached.
 */
@Global()
@Module({
  providers: [EventTypeRepository, EventTypeCatalog],
  exports: [EventTypeCatalog],
})
export class CatalogModule {}
