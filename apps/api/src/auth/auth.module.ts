import { Global, Module } from '@nestjs/common';
import { ApiKeyRepository } from '@app/database/repositories/api-key.repository';
import { AdminGuard } from './admin.guard';
import { ApiKeyGuard } from './api-key.guard';

@Global()
@Module({
  providers: [ApiKeyRepository, ApiKeyGuard, AdminGuard],
  exports: [ApiKeyRepository, ApiKeyGuard, AdminGuard],
})
export class AuthModule {}
