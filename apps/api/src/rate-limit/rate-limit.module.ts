import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ApiRateLimitInterceptor } from './api-rate-limit.interceptor';
import { ApiRateLimiter } from './api-rate-limiter';

/** Per-API-key rate limiting of every route, counted in Redis (see ApiRateLimiter). */
@Module({
  providers: [ApiRateLimiter, { provide: APP_INTERCEPTOR, useClass: ApiRateLimitInterceptor }],
})
export class RateLimitModule {}
