import { Module, type DynamicModule } from '@nestjs/common';
import { CatalogModule } from '@app/catalog';
import { ConfigModule, type HooklineConfig } from '@app/config';
import { DatabaseModule } from '@app/database';
import { QueueModule } from '@app/queue';
import { AuthModule } from './auth/auth.module';
import { ChannelsModule } from './channels/channels.module';
import { EventTypesModule } from './event-types/event-types.module';
import { EventsModule } from './events/events.module';
import { LogsModule } from './logs/logs.module';
import { ApiObservabilityModule } from './observability/api-observability.module';
import { OrgsModule } from './orgs/orgs.module';
import { PortalModule } from './portal/portal.module';
import { RecoveryModule } from './recovery/recovery.module';
import { StatsModule } from './stats/stats.module';
import { SubscriptionsModule } from './subscriptions/subscriptions.module';

@Module({})
export class AppModule {
  static forRoot(config?: HooklineConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        CatalogModule,
        QueueModule,
        AuthModule,
        OrgsModule,
        EventTypesModule,
        // LogsModule before SubscriptionsModule: its static "logs/..." routes come first.
        LogsModule,
        SubscriptionsModule,
        RecoveryModule,
        EventsModule,
        ChannelsModule,
        PortalModule,
        StatsModule,
        ApiObservabilityModule,
      ],
    };
  }
}
