import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsIsoDateTime, OptionalNotNull } from '../common/validators';

/** POST /v1/webhooks/:id/recover: the window of creation times, both ends inclusive. */
@ApiSchema({ name: 'Recover' })
export class RecoverDto {
  /** Start of the window (inclusive): deliveries created at or after it. */
  @IsIsoDateTime('since')
  since: string;

  /** End of the window (inclusive); default now. At most 14 days after since. */
  @OptionalNotNull()
  @IsIsoDateTime('until')
  until?: string;
}

@ApiSchema({ name: 'Recovered' })
export class RecoveredResponseDto {
  /** Failed deliveries put back to pending and queued. */
  @ApiProperty({ minimum: 0 })
  recovered: number;
}
