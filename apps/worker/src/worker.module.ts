import { Module, type DynamicModule } from '@nestjs/common';
import { CatalogModule } from '@app/catalog';
import { ConfigModule, HOOKLINE_CONFIG, loadConfig, type HooklineConfig } from '@app/config';
import { DatabaseModule } from '@app/database';
import { DeliveryRepository } from '@app/database/repositories/delivery.repository';
import { FanOutRepository } from '@app/database/repositories/fan-out.repository';
import { SecretCipher } from '@app/domain/secret-cipher';
import { IntakeModule } from '@app/intake/intake.module';
import { QueueModule, QueueName } from '@app/queue';
import { DeliveryClaims } from './delivery/delivery-claims';
import { DeliveryDispatcher } from './delivery/delivery-dispatcher';
import { DeliveryHttpClient } from './delivery/delivery-http-client';
import { DeliveryProcessor } from './delivery/delivery.processor';
import { DeliveryService } from './delivery/delivery.service';
import { DeliveryStore } from './delivery/delivery-store';
import { OrderedSuccessors } from './delivery/ordered-successors';
import { SigningKeys } from './delivery/signing-keys';
import { EndpointHealthModule } from './endpoint-health/endpoint-health.module';
import { HttpAgents } from './delivery/http-agents';
import { FanOutService } from './fan-out/fan-out.service';
import { IntakeProcessor } from './intake/intake.processor';
import { PublishedEventService } from './intake/published-event.service';
import { MaintenanceModule } from './maintenance/maintenance.module';
import { WorkerObservabilityModule } from './observability/worker-observability.module';
import { configuredProcessor, deliveryWorkerOptions, intakeWorkerOptions } from './worker-options';

@Module({})
export class WorkerModule {
  static forRoot(config: HooklineConfig = loadConfig()): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        CatalogModule,
        QueueModule,
        IntakeModule,
        WorkerObservabilityModule,
        MaintenanceModule,
        EndpointHealthModule,
      ],
      providers: [
        { provide: SecretCipher, inject: [HOOKLINE_CONFIG], useFactory: (settings: HooklineConfig) => new SecretCipher(settings.encryptionKey) },
        HttpAgents,
        DeliveryHttpClient,
        DeliveryRepository,
        DeliveryStore,
        DeliveryClaims,
        OrderedSuccessors,
        SigningKeys,
        DeliveryService,
        DeliveryDispatcher,
        configuredProcessor(DeliveryProcessor, QueueName.Deliveries, deliveryWorkerOptions(config)),
        FanOutRepository,
        PublishedEventService,
        FanOutService,
        configuredProcessor(IntakeProcessor, QueueName.Intake, intakeWorkerOptions(config)),
      ],
    };
  }
}
