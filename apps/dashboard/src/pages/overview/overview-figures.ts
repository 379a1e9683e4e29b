import type { DeliveryStats } from '../../api/client';

export interface OverviewFigures {
  delivered: number;
  failed: number;
  retrying: number;
  /** delivered / (delivered + failed); null with neither. */
  successRate: number | null;
  /** Attempt-weighted mean of the buckets' medians: the buckets carry percentiles, not durations. */
  p50Ms: number | null;
  /** The worst bucket's p95: an upper bound of the window's p95. */
  p95Ms: number | null;
}

/** The headline numbers of a stats window, from its buckets. */
export function overviewFigures(stats: DeliveryStats): OverviewFigures {
  let delivered = 0;
  let failed = 0;
  let retrying = 0;
  let weighted = 0;
  let weight = 0;
  let p95: number | null = null;
  for (const bucket of stats.buckets) {
    delivered += bucket.delivered;
    failed += bucket.failed;
    retrying += bucket.retrying;
    if (bucket.p50_ms !== null && bucket.attempts > 0) {
      weighted += bucket.p50_ms * bucket.attempts;
      weight += bucket.attempts;
    }
    if (bucket.p95_ms !== null) p95 = Math.max(p95 ?? 0, bucket.p95_ms);
  }
  return {
    delivered,
    failed,
    retrying,
    successRate: delivered + failed > 0 ? delivered / (delivered + failed) : null,
    p50Ms: weight > 0 ? Math.round(weighted / weight) : null,
    p95Ms: p95,
  };
}
