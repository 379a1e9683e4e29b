import { Injectable } from '@nestjs/common';
import type { RedisClient } from '@app/queue';
import { EndpointHealthRedis } from './endpoint-health-redis';

/** A slot this close (ms) counts as now (rounding); more would let two deliveries come closer than the rate allows. */
const SLOT_TOLERANCE_MS = 1;
/** A reservation is kept this long past its slot for a late-waking job (busy workers). */
const RESERVATION_GRACE_MS = 10 * 60_000;

/**
 * KEYS: the subscription's next free slot, this delivery's reservation; ARGV: ms between slots,
 * tolerance, reservation grace. Returns how long the delivery must wait (0: send now).
 *
 * Slots are spaced 1000 / rate ms apart (Redis time, shared by every replica). A delivery over the
 * rate reserves the next free slot and is postponed to it; when its job wakes it finds its
 * reservation and goes, without queueing again. So a backlog is spread in one pass, each delivery
 * woken once, and no one-second window ever holds more than the rate.
 */
const RESERVE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local tolerance = tonumber(ARGV[2])
local reserved = tonumber(redis.call('GET', KEYS[2]) or '-1')
if reserved >= 0 then
  if reserved - now <= tolerance then
    redis.call('DEL', KEYS[2])
    return 0
  end
  return math.ceil(reserved - now)
end
local interval = tonumber(ARGV[1])
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], slot + interval, 'PX', math.ceil(slot + interval - now) + 1000)
if slot - now <= tolerance then return 0 end
redis.call('SET', KEYS[2], slot, 'PX', math.ceil(slot - now) + tonumber(ARGV[3]))
return math.ceil(slot - now)
`;

type RateLimitRedis = RedisClient & {
  reserveDeliverySlot(next: string, reservation: string, intervalMs: number, toleranceMs: number, graceMs: number): Promise<number>;
};

/**
 * Per-subscription rate_limit_per_second, shared by every worker replica through Redis. Deliveries
 * over the rate are delayed, never dropped; the delay is not an attempt.
 */
@Injectable()
export class DeliveryRateLimiter {
  private readonly redis: RateLimitRedis;

  constructor(private readonly connection: EndpointHealthRedis) {
    this.redis = connection.client as RateLimitRedis;
    this.redis.defineCommand('reserveDeliverySlot', { numberOfKeys: 2, lua: RESERVE_SCRIPT });
  }

  /** How many ms the delivery must wait for its slot under `perSecond`; 0 to send it now. */
  async reserve(subscriptionId: string, deliveryId: string, perSecond: number): Promise<number> {
    return this.redis.reserveDeliverySlot(
      this.connection.key('rate', subscriptionId),
      this.connection.key('rate-slot', deliveryId),
      1000 / perSecond,
      SLOT_TOLERANCE_MS,
      RESERVATION_GRACE_MS,
    );
  }
}
