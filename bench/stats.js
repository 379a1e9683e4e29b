/** Small numeric helpers shared by the benchmark modules. */

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes on one machine. */
function nowMs() {
  return performance.timeOrigin + performance.now();
}

/** Nearest-rank percentile of an already sorted array (or typed array). */
function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

function latencySummary(values) {
  const sorted = Float64Array.from(values).sort();
  const round = (v) => (v === null ? null : Math.round(v * 10) / 10);
  return {
    count: sorted.length,
    p50_ms: round(percentile(sorted, 50)),
    p95_ms: round(percentile(sorted, 95)),
    p99_ms: round(percentile(sorted, 99)),
    max_ms: round(sorted.length ? sorted[sorted.length - 1] : null),
  };
}

/** Least-squares slope of y over x; null with fewer than two distinct x. */
function slope(points) {
  const n = points.length;
  if (n < 2) return null;
  let sx = 0;
  let sy = 0;
  for (const [x, y] of points) {
    sx += x;
    sy += y;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? null : num / den;
}

function perSecond(count, ms) {
  return ms > 0 ? Math.round((count / ms) * 1000) : null;
}

function ratio(a, b) {
  return a && b ? Math.round((a / b) * 1000) / 1000 : null;
}

function mb(bytes) {
  return Math.round(bytes / 1024 / 1024);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

module.exports = { nowMs, percentile, latencySummary, slope, perSecond, ratio, mb, sleep };
