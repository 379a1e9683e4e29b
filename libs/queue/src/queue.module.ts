import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { HOOKLINE_CONFIG, type HooklineConfig } from '@app/config';
import { QueueConnectionLogger } from './queue-connection.logger';
import { QueueName, defaultJobOptions } from './queues';
import { bullConnection, isCluster } from './redis-client';

/** BullMQ on the configured Redis (one server or a cluster), with Hookline's queues registered for injection (@InjectQueue). */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [HOOKLINE_CONFIG],
      useFactory: (config: HooklineConfig) => ({
        connection: bullConnection(config),
        prefix: config.queuePrefix,
        defaultJobOptions,
        // On a Redis Cluster the queues share one client (see bullConnection): each queue's shutdown
        // disconnects it once the queue is closed. Not on one server: there the check of the
        // connection's status waits for a Redis that may be unreachable, and shutdown would hang.
        forceDisconnectOnShutdown: isCluster(config),
      }),
    }),
    BullModule.registerQueue({ name: QueueName.Intake }, { name: QueueName.Deliveries }),
  ],
  providers: [QueueConnectionLogger],
  exports: [BullModule],
})
export class QueueModule {}
