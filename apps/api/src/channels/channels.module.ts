import { Module } from '@nestjs/common';
import { ChannelWebhookRepository } from '@app/database/repositories/channel-webhook.repository';
import { ChannelWebhookController } from './channel-webhook.controller';
import { ChannelWebhookService } from './channel-webhook.service';

@Module({
  controllers: [ChannelWebhookController],
  providers: [ChannelWebhookRepository, ChannelWebhookService],
})
export class ChannelsModule {}
