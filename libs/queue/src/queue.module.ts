import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { HOOKLINE_CONFIG, type HooklineConfig } from '@app/config';
import { redisOptionsFromUrl } from './publisher';
import { QueueConnectionLogger } from './queue-connection.logger';
import { QueueName, defaultJobOptions } from './queues';

/** BullMQ on the configured Redis, with Hookline's queues registered for injection (@InjectQueue). */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [HOOKLINE_CONFIG],
      useFactory: (config: HooklineConfig) => ({
        connection: redisOptionsFromUrl(config.redisUrl),
        prefix: config.queuePrefix,
        defaultJobOptions,
      }),
    }),
    BullModule.registerQueue({ name: QueueName.Intake }, { name: QueueName.Deliveries }),
  ],
  providers: [QueueConnectionLogger],
  exports: [BullModule],
})
export class QueueModule {}
