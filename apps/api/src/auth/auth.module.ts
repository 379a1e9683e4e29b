import { Global, Module } from '@nestjs/common';
import { ApiKeyRepository } from '@app/database/repositories/api-key.repository';
import { PortalSessionRepository } from '@app/database/repositories/portal-session.repository';
import { AdminGuard } from './admin.guard';
import { ApiKeyGuard } from './api-key.guard';

@Global()
@Module({
  providers: [ApiKeyRepository, PortalSessionRepository, ApiKeyGuard, AdminGuard],
  exports: [ApiKeyRepository, PortalSessionRepository, ApiKeyGuard, AdminGuard],
})
export class AuthModule {}
