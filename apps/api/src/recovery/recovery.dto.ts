import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsISO8601, IsNotEmpty, IsString } from 'class-validator';
import { OptionalNotNull } from '../common/validators';

const ISO_TIME = { strict: true, strictSeparator: true };
const ISO_MESSAGE = (field: string) => `${field} must be an ISO 8601 date-time, e.g. 2025-01-31T12:00:00Z`;

/** POST /v1/webhooks/:id/recover: the window of creation times, both ends inclusive. */
@ApiSchema({ name: 'Recover' })
export class RecoverDto {
  /** Start of the window (inclusive): deliveries created at or after it. */
  @IsString()
  @IsNotEmpty()
  @IsISO8601(ISO_TIME, { message: ISO_MESSAGE('since') })
  since: string;

  /** End of the window (inclusive); default now. At most 14 days after since. */
  @OptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @IsISO8601(ISO_TIME, { message: ISO_MESSAGE('until') })
  until?: string;
}

@ApiSchema({ name: 'Recovered' })
export class RecoveredResponseDto {
  /** Failed deliveries put back to pending and queued. */
  @ApiProperty({ minimum: 0 })
  recovered: number;
}
