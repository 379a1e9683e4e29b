import { Injectable } from '@nestjs/common';
import { DeliveryStatsRepository } from '@app/database/repositories/delivery-stats.repository';
import type { AccessScope } from '@app/domain/access-scope';
import { timeWindow } from '@app/domain/time-window';
import type { DeliveryStatsQueryDto } from './stats.dto';
import type { DeliveryStatsResponseDto } from './stats.response';

/** The longest window one stats call may cover: 7 days (10,080 minute buckets at most). */
export const MAX_STATS_WINDOW_MS = 7 * 24 * 3600_000;
const DEFAULT_STATS_WINDOW_MS = 24 * 3600_000;

@Injectable()
export class DeliveryStatsService {
  constructor(private readonly stats: DeliveryStatsRepository) {}

  /** Deliveries by outcome and attempt durations per bucket, for the overview charts. */
  async deliveries(scope: AccessScope, query: DeliveryStatsQueryDto): Promise<DeliveryStatsResponseDto> {
    const { since, until } = timeWindow(query, {
      now: new Date(),
      maxSpanMs: MAX_STATS_WINDOW_MS,
      maxSpanText: '7 days',
      defaultSpanMs: DEFAULT_STATS_WINDOW_MS,
    });
    const buckets = await this.stats.buckets(scope, since, until, query.bucket ?? 'hour');
    return {
      buckets: buckets.map((bucket) => ({
        start: bucket.start.toISOString(),
        delivered: bucket.delivered,
        failed: bucket.failed,
        retrying: bucket.retrying,
        attempts: bucket.attempts,
        p50_ms: roundMs(bucket.p50Ms),
        p95_ms: roundMs(bucket.p95Ms),
      })),
    };
  }
}

/** Percentiles interpolate between attempts; a tenth of a millisecond is precision enough for a chart. */
function roundMs(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}
