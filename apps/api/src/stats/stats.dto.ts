import { ApiSchema } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsNotEmpty, IsString } from 'class-validator';
import { OptionalNotNull } from '../common/validators';

export const STATS_BUCKETS = ['minute', 'hour'] as const;
export type StatsBucket = (typeof STATS_BUCKETS)[number];

const ISO_TIME = { strict: true, strictSeparator: true };
const ISO_MESSAGE = (field: string) => `${field} must be an ISO 8601 date-time, e.g. 2025-01-31T12:00:00Z`;

/** GET /v1/stats/deliveries?since&until&bucket. */
@ApiSchema({ name: 'DeliveryStatsQuery' })
export class DeliveryStatsQueryDto {
  /** Start of the window (ISO 8601); default 24 hours before until. At most 7 days before until. */
  @OptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @IsISO8601(ISO_TIME, { message: ISO_MESSAGE('since') })
  since?: string;

  /** End of the window, excluded (ISO 8601); default now. */
  @OptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @IsISO8601(ISO_TIME, { message: ISO_MESSAGE('until') })
  until?: string;

  /** Bucket size; default hour. */
  @OptionalNotNull()
  @IsIn(STATS_BUCKETS, { message: `bucket must be one of: ${STATS_BUCKETS.join(', ')}` })
  bucket?: StatsBucket;
}
