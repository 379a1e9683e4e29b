import { IsISO8601, IsNotEmpty, IsString } from 'class-validator';
import { OptionalNotNull } from '../common/validators';

const ISO_TIME = { strict: true, strictSeparator: true };
const ISO_MESSAGE = (field: string) => `${field} must be an ISO 8601 date-time, e.g. 2025-01-31T12:00:00Z`;

/** POST /v1/webhooks/:id/recover: the window of creation times, both ends inclusive. */
export class RecoverDto {
  @IsString()
  @IsNotEmpty()
  @IsISO8601(ISO_TIME, { message: ISO_MESSAGE('since') })
  since: string;

  /** Left out: now. */
  @OptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @IsISO8601(ISO_TIME, { message: ISO_MESSAGE('until') })
  until?: string;
}
