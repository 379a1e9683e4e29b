import { Module } from '@nestjs/common';
import { CurrentPortalSessionController } from './current-portal-session.controller';
import { PortalSessionController } from './portal-session.controller';
import { PortalSessionService } from './portal-session.service';

@Module({
  controllers: [PortalSessionController, CurrentPortalSessionController],
  providers: [PortalSessionService],
})
export class PortalModule {}
