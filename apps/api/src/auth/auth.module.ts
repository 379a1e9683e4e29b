import { Global, Module } from '@nestjs/common';
import { AdminGuard } from './admin.guard';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyRepository } from './api-key.repository';

@Global()
@Module({
  providers: [ApiKeyRepository, ApiKeyGuard, AdminGuard],
  exports: [ApiKeyRepository, ApiKeyGuard, AdminGuard],
})
export class AuthModule {}
