import { Module } from '@nestjs/common';
import { PortalSessionController } from './portal-session.controller';
import { PortalSessionService } from './portal-session.service';

@Module({
  controllers: [PortalSessionController],
  providers: [PortalSessionService],
})
export class PortalModule {}
