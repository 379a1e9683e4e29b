import { Injectable } from '@nestjs/common';
import type { AccessScope } from '@app/domain/access-scope';
import { Prisma } from '@app/generated/prisma/client';
import { PrismaService } from '../prisma.service';

export type StatsBucketUnit = 'minute' | 'hour';

export interface DeliveryStatsBucket {
  start: Date;
  /** Deliveries created in the bucket, by their current status. */
  delivered: number;
  failed: number;
  /** Not final yet: pending or retrying. */
  retrying: number;
  /** HTTP attempts started in the bucket, and their duration percentiles (null without attempts). */
  attempts: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

interface BucketRow {
  start: Date;
  delivered: bigint;
  failed: bigint;
  retrying: bigint;
  attempts: bigint;
  p50_ms: number | null;
  p95_ms: number | null;
}

/**
 * Delivery counts and attempt durations per minute or hour, in one statement. Deliveries are read
 * through deliveries(organization_id, created_at), attempts through
 * delivery_attempts(subscription_id, started_at) for the scope's subscriptions; buckets are UTC.
 */
@Injectable()
export class DeliveryStatsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Every bucket meeting [since, until), empty ones included, oldest first. */
  async buckets(scope: AccessScope, since: Date, until: Date, unit: StatsBucketUnit): Promise<DeliveryStatsBucket[]> {
    // The tenant rule of access-scope-filters.ts, in SQL: subscriptions whose channels are exactly [tenant].
    const tenantSubscriptions =
      scope.tenant === undefined ? Prisma.empty : Prisma.sql`AND s.channels = ARRAY[${scope.tenant}]::text[]`;
    const tenantDeliveries =
      scope.tenant === undefined ? Prisma.empty : Prisma.sql`AND d.subscription_id IN (SELECT id FROM scoped_subscriptions)`;
    const rows = await this.prisma.$queryRaw<BucketRow[]>`
      WITH buckets AS (
        SELECT generate_series(
          date_trunc(${unit}::text, ${since}::timestamptz, 'UTC'),
          ${until}::timestamptz - interval '1 millisecond',
          ('1 ' || ${unit}::text)::interval
        ) AS start
      ),
      scoped_subscriptions AS (
        SELECT s.id FROM subscriptions s WHERE s.organization_id = ${scope.organizationId} ${tenantSubscriptions}
      ),
      delivery_counts AS (
        SELECT date_trunc(${unit}::text, d.created_at, 'UTC') AS start,
               count(*) FILTER (WHERE d.status = 'delivered') AS delivered,
               count(*) FILTER (WHERE d.status = 'failed') AS failed,
               count(*) FILTER (WHERE d.status IN ('pending', 'retrying')) AS retrying
        FROM deliveries d
        WHERE d.organization_id = ${scope.organizationId}
          AND d.created_at >= ${since}::timestamptz AND d.created_at < ${until}::timestamptz
          ${tenantDeliveries}
        GROUP BY 1
      ),
      attempt_stats AS (
        SELECT date_trunc(${unit}::text, a.started_at, 'UTC') AS start,
               count(*) AS attempts,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY a.duration_ms) AS p50_ms,
               percentile_cont(0.95) WITHIN GROUP (ORDER BY a.duration_ms) AS p95_ms
        FROM delivery_attempts a
        WHERE a.subscription_id IN (SELECT id FROM scoped_subscriptions)
          AND a.started_at >= ${since}::timestamptz AND a.started_at < ${until}::timestamptz
        GROUP BY 1
      )
      SELECT b.start,
             coalesce(dc.delivered, 0) AS delivered,
             coalesce(dc.failed, 0) AS failed,
             coalesce(dc.retrying, 0) AS retrying,
             coalesce(st.attempts, 0) AS attempts,
             st.p50_ms,
             st.p95_ms
      FROM buckets b
      LEFT JOIN delivery_counts dc ON dc.start = b.start
      LEFT JOIN attempt_stats st ON st.start = b.start
      ORDER BY b.start`;
    return rows.map((row) => ({
      start: row.start,
      delivered: Number(row.delivered),
      failed: Number(row.failed),
      retrying: Number(row.retrying),
      attempts: Number(row.attempts),
      p50Ms: row.p50_ms === null ? null : Number(row.p50_ms),
      p95Ms: row.p95_ms === null ? null : Number(row.p95_ms),
    }));
  }
}
