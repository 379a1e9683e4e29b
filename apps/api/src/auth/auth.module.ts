import { Global, Module } from '@nestjs/common';
import { ApiKeyRepository } from '@app/database/repositories/api-key.repository';
import { PortalSessionRepository } from '@app/database/repositories/portal-session.repository';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { AdminGuard } from './admin.guard';
import { ApiKeyGuard } from './api-key.guard';
import { PrincipalResolver } from './principal-resolver';

@Global()
@Module({
  imports: [RateLimitModule],
  providers: [ApiKeyRepository, PortalSessionRepository, PrincipalResolver, ApiKeyGuard, AdminGuard],
  exports: [RateLimitModule, ApiKeyRepository, PortalSessionRepository, PrincipalResolver, ApiKeyGuard, AdminGuard],
})
export class AuthModule {}
