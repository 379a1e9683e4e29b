import { Global, Module } from '@nestjs/common';
import { ApiKeyRepository } from '@app/database/repositories/api-key.repository';
import { PortalSessionRepository } from '@app/database/repositories/portal-session.repository';
import { AdminGuard } from './admin.guard';
import { ApiKeyGuard } from './api-key.guard';
import { PrincipalResolver } from './principal-resolver';

@Global()
@Module({
  providers: [ApiKeyRepository, PortalSessionRepository, PrincipalResolver, ApiKeyGuard, AdminGuard],
  exports: [ApiKeyRepository, PortalSessionRepository, PrincipalResolver, ApiKeyGuard, AdminGuard],
})
export class AuthModule {}
