import { Module } from '@nestjs/common';
import { ApiRateLimiter } from './api-rate-limiter';

/** Per-API-key rate limiting, counted in Redis (see ApiRateLimiter); ApiKeyGuard counts each request it authenticates. */
@Module({
  providers: [ApiRateLimiter],
  exports: [ApiRateLimiter],
})
export class RateLimitModule {}
