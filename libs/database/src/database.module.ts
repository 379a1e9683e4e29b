import { Global, Module } from '@nestjs/common';
import { type HooklineConfig, HOOKLINE_CONFIG } from '@app/config';
import { PrismaService } from './prisma.service';

/** The process's one PrismaService; each app provides the repositories it uses. */
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
