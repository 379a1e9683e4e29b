import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import type { HooklineConfig } from '@app/domain/config';
import { QueueModule } from '@app/queue';

@Module({})
export class WorkerModule {
  static forRoot(config?: HooklineConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule, QueueModule],
    };
  }
}
