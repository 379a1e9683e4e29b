import { ApiSchema } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { IsIsoDateTime, OptionalNotNull } from '../common/validators';

export const STATS_BUCKETS = ['minute', 'hour'] as const;
export type StatsBucket = (typeof STATS_BUCKETS)[number];

/** GET /v1/stats/deliveries?since&until&bucket. */
@ApiSchema({ name: 'DeliveryStatsQuery' })
export class DeliveryStatsQueryDto {
  /** Start of the window (ISO 8601); default 24 hours before until. At most 7 days before until. */
  @OptionalNotNull()
  @IsIsoDateTime('since')
  since?: string;

  /** End of the window, excluded (ISO 8601); default now. */
  @OptionalNotNull()
  @IsIsoDateTime('until')
  until?: string;

  /** Bucket size; default hour. */
  @OptionalNotNull()
  @IsIn(STATS_BUCKETS, { message: `bucket must be one of: ${STATS_BUCKETS.join(', ')}` })
  bucket?: StatsBucket;
}
