import { Module } from '@nestjs/common';
import { AutoDisableRepository } from '@app/database/repositories/auto-disable.repository';
import { AutoDisableScheduler } from './auto-disable.scheduler';
import { AutoDisableService } from './auto-disable.service';
import { CircuitBreaker } from './circuit-breaker';
import { DeliveryRateLimiter } from './delivery-rate-limiter';
import { EndpointHealthRedis } from './endpoint-health-redis';
import { EndpointHealthService } from './endpoint-health.service';

/** Failing and busy endpoints: circuit breaker per origin, per-subscription rate limit, auto-disable. */
@Module({
  providers: [EndpointHealthRedis, CircuitBreaker, DeliveryRateLimiter, AutoDisableRepository, AutoDisableService, AutoDisableScheduler, EndpointHealthService],
  exports: [EndpointHealthService, CircuitBreaker, AutoDisableService],
})
export class EndpointHealthModule {}
