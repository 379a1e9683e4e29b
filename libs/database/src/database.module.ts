import { Global, Module } from '@nestjs/common';
import { type HooklineConfig, HOOKLINE_CONFIG } from '@app/config';
import { PrismaService } from './prisma.service';
import { EventTypeCatalog } from './event-type-catalog.service';
import { EventTypeRepository } from './repositories/event-type.repository';

@Global()
@Module({
  providers: [
    {
      provide: PrismaService,
      inject: [HOOKLINE_CONFIG],
      useFactory: (config: HooklineConfig) => new PrismaService(config.databaseUrl, config.databasePoolSize),
    },
    // One catalog per process, so the API's writes drop the entries its intake cached.
    EventTypeRepository,
    EventTypeCatalog,
  ],
  exports: [PrismaService, EventTypeRepository, EventTypeCatalog],
})
export class DatabaseModule {}
