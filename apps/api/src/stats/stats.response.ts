import { ApiProperty, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'DeliveryStatsBucket' })
export class DeliveryStatsBucketResponseDto {
  /** Start of the bucket (UTC, whole minute or hour); the first and last buckets may be cut by since/until. */
  @ApiProperty({ format: 'date-time' })
  start: string;
  /** Deliveries created in the bucket that are now delivered. */
  @ApiProperty({ minimum: 0 })
  delivered: number;
  /** Deliveries created in the bucket that are now failed. */
  @ApiProperty({ minimum: 0 })
  failed: number;
  /** Deliveries created in the bucket that are not final yet (pending or retrying). */
  @ApiProperty({ minimum: 0 })
  retrying: number;
  /** HTTP attempts started in the bucket. */
  @ApiProperty({ minimum: 0 })
  attempts: number;
  /** Median duration of those attempts (interpolated); null without attempts. */
  @ApiProperty({ type: Number, minimum: 0 })
  p50_ms: number | null;
  /** 95th percentile duration of those attempts (interpolated); null without attempts. */
  @ApiProperty({ type: Number, minimum: 0 })
  p95_ms: number | null;
}

@ApiSchema({ name: 'DeliveryStats' })
export class DeliveryStatsResponseDto {
  /** Every bucket of the window, empty ones included, oldest first. */
  buckets: DeliveryStatsBucketResponseDto[];
}
