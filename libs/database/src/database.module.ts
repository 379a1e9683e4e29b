import { Global, Module } from '@nestjs/common';
import type { HooklineConfig } from '@app/domain/config';
import { HOOKLINE_CONFIG } from '@app/config';
import { PrismaService } from './prisma.service';

@Global()
@Module({
  providers: [
    {
      provide: PrismaService,
      inject: [HOOKLINE_CONFIG],
      useFactory: (config: HooklineConfig) => new PrismaService(config.databaseUrl, config.databasePoolSize),
    },
  ],
  exports: [PrismaService],
})
export class DatabaseModule {}
