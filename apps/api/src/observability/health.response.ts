import { ApiProperty, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'Liveness' })
export class LivenessResponseDto {
  /** Always `ok` while the process serves HTTP. */
  status: 'ok';
}

@ApiSchema({ name: 'ReadinessChecks' })
export class ReadinessChecksResponseDto {
  /** `up` or `down`. */
  @ApiProperty({ enum: ['up', 'down'] })
  redis: 'up' | 'down';
  /** `up` or `down`. */
  @ApiProperty({ enum: ['up', 'down'] })
  postgres: 'up' | 'down';
}

@ApiSchema({ name: 'Readiness' })
export class ReadinessResponseDto {
  /** `ok` when Redis and PostgreSQL answer, else `unavailable`. */
  status: 'ok' | 'unavailable';
  checks: ReadinessChecksResponseDto;
}
