/** One verified delivery, as the replay guard keys it. */
export interface DeliveryStamp {
  webhookId: string;
  timestampSeconds: number;
}

/**
 * Remembers verified deliveries so that a byte-identical replay (same webhook-id and webhook-timestamp,
 * hence the same signature) is refused. Hookline's retries reuse webhook-id with a new timestamp and
 * signature, so they pass: dedupe your processing on webhook-id, not on this guard.
 */
export interface ReplayGuard {
  /** Records the delivery; true the first time it is seen, false for a replay. */
  firstSeen(delivery: DeliveryStamp, nowMs: number): boolean;
}

export interface MemoryReplayGuardOptions {
  /** How long after its webhook-timestamp a delivery is remembered; keep it ≥ the verifier's toleranceSeconds. Default 300. */
  ttlSeconds?: number;
}

/**
 * A replay guard for one process. Behind a load balancer with several receiver processes, use a shared
 * store instead (e.g. Redis `SET key 1 NX EX ttl`) behind the same interface.
 */
export function createMemoryReplayGuard({ ttlSeconds = 300 }: MemoryReplayGuardOptions = {}): ReplayGuard {
  if (!(ttlSeconds > 0)) throw new RangeError('ttlSeconds must be a positive number.');
  const expiresAtMsByKey = new Map<string, number>();
  let sweepAtSize = 1024;

  // A delivery stamped `t` passes the tolerance check until t + tolerance, so remembering it until t + ttl covers it.
  const sweepExpired = (nowMs: number) => {
    for (const [key, expiresAtMs] of expiresAtMsByKey) if (expiresAtMs <= nowMs) expiresAtMsByKey.delete(key);
    sweepAtSize = Math.max(1024, expiresAtMsByKey.size * 2);
  };

  return {
    firstSeen({ webhookId, timestampSeconds }, nowMs) {
      const key = `${webhookId}\n${timestampSeconds}`;
      const expiresAtMs = expiresAtMsByKey.get(key);
      if (expiresAtMs !== undefined && expiresAtMs > nowMs) return false;
      if (expiresAtMsByKey.size >= sweepAtSize) sweepExpired(nowMs);
      expiresAtMsByKey.set(key, (timestampSeconds + ttlSeconds) * 1000);
      return true;
    },
  };
}
