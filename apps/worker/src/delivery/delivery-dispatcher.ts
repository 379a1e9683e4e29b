import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { HOOKLINE_CONFIG, type HooklineConfig } from '@app/config';
import type { ClaimedDelivery } from '@app/database/repositories/delivery-context';
import type { CreatedDeliveries } from '@app/database/repositories/fan-out.repository';
import { QueueName, enqueueDeliveries, enqueueDelivery, enqueueInTime, type DeliveryQueue } from '@app/queue';
import { targetOrigin } from '../endpoint-health/target-origin';
import { DeliveryClaims } from './delivery-claims';
import { DeliveryService } from './delivery.service';

/** Claimed deliveries waiting for a free slot, per slot of concurrency, before fan-out waits. */
const QUEUED_PER_SLOT = 20;
/**
 * Event data those deliveries may hold, per slot (characters of JSON): a full room of small events
 * fits, while 256 KiB events wait as rows. Without it, WORKER_CONCURRENCY × 20 deliveries of large
 * events could hold half a gigabyte of JSON (a job per delivery used to load one at a time).
 */
const QUEUED_DATA_PER_SLOT = QUEUED_PER_SLOT * 16 * 1024;
/**
 * An origin whose slots are all taken by requests older than this (or than half the request timeout,
 * if less) is slow: its waiting deliveries go to the queue.
 */
const SLOW_ORIGIN_MS = 1_000;
/** How often slow origins are looked for when no attempt ends (every slot may hang). */
const SLOW_CHECK_INTERVAL_MS = 250;

/** One origin's deliveries: those being attempted (with their start time) and those waiting. */
interface OriginLane {
  running: Map<string, number>;
  waiting: ClaimedDelivery[];
  /** When an attempt to the origin last ended within slowAfterMs (ms; 0: none yet). */
  lastQuickEnd: number;
}

/**
 * Sends the first attempts of freshly fanned-out deliveries in this worker, without a queue job per
 * delivery (a BullMQ job costs about what a whole delivery may): fan-out claims them in PostgreSQL
 * (one statement per batch) and hands them over here. At most WORKER_CONCURRENCY attempts run at
 * once, at most half of them to one origin; deliveries of an origin whose every slot is held by a
 * slow request move on to the deliveries queue, so one slow endpoint holds up neither the rest of its
 * batch nor the fan-out. Only retries, postponements and overflow become jobs.
 *
 * A claim is the delivery's safety: if this worker dies, its claims lapse (DeliveryClaims) and the
 * outbox sweeper hands the deliveries to the queue (at-least-once, as before).
 */
@Injectable()
export class DeliveryDispatcher implements OnModuleDestroy {
  private readonly logger = new Logger(DeliveryDispatcher.name);
  private readonly slots: number;
  private readonly slotsPerOrigin: number;
  private readonly maxWaiting: number;
  private readonly maxWaitingData: number;
  private readonly slowAfterMs: number;
  private readonly lanes = new Map<string, OriginLane>();
  private running = 0;
  private waiting = 0;
  /** The event data the waiting deliveries hold (see ClaimedDelivery.dataSize). */
  private waitingData = 0;
  /** Event data per delivery of the last dispatch: what booked room is expected to bring. */
  private dataPerDelivery = 0;
  /** Room booked by fan-outs creating deliveries (see reserve). */
  private reserved = 0;
  /**
   * Set when an attempt could not be recorded (PostgreSQL away): no waiting delivery is started
   * until a claim succeeds again, since its attempt could not be recorded either and would be sent
   * twice (once now, once when its claim lapses).
   */
  private storeFailing = false;
  /** Fan-outs waiting for the waiting deliveries to drop below maxWaiting. */
  private roomWaiters: (() => void)[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  private readonly slowCheck = setInterval(() => this.shedSlowOrigins(), SLOW_CHECK_INTERVAL_MS).unref();

  constructor(
    @Inject(HOOKLINE_CONFIG) private readonly config: HooklineConfig,
    private readonly claims: DeliveryClaims,
    private readonly deliveries: DeliveryService,
    @InjectQueue(QueueName.Deliveries) private readonly queue: DeliveryQueue,
  ) {
    this.slots = config.workerConcurrency;
    this.slotsPerOrigin = Math.max(1, Math.ceil(config.workerConcurrency / 2));
    this.maxWaiting = config.workerConcurrency * QUEUED_PER_SLOT;
    this.maxWaitingData = config.workerConcurrency * QUEUED_DATA_PER_SLOT;
    this.slowAfterMs = Math.min(SLOW_ORIGIN_MS, config.requestTimeoutMs / 2);
  }

  /**
   * Resolves once `count` more deliveries fit in what waits here, and books the room until dispatch()
   * hands them over (`count` again) or cancel() gives it back: fan-out asks before it creates
   * deliveries, so that a burst waits as events (one intake job per batch), not as claimed rows in
   * memory whose claims must be renewed. A batch larger than the whole room goes once nothing waits;
   * none goes while the waiting deliveries hold their share of event data.
   */
  async reserve(count: number): Promise<void> {
    while (this.booked() > 0 && !this.hasRoomFor(count)) await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    this.reserved += count;
  }

  /** How long a claim lasts without renewal (see DeliveryClaims): fan-out creates deliveries claimed for that long. */
  get claimTtlMs(): number {
    return this.claims.ttlMs;
  }

  /**
   * Starts the deliveries this worker created claimed at `claimedAt` (see DeliveryClaims.adopt), and
   * claims and starts those of `open` that may be attempted now (those another claim holds, not due,
   * ended or waiting behind their ordering key are left to whoever has them). Resolves once they are
   * handed over, not attempted; if claiming `open` fails, the created ones are not held either, so
   * their claims lapse and the sweeper hands them on.
   */
  async dispatch(reservedCount: number, { claimed: created, open }: CreatedDeliveries, claimedAt: number): Promise<void> {
    if (created.length === 0 && open.length === 0) return this.cancel(reservedCount);
    let ready: ClaimedDelivery[];
    try {
      const reclaimed = open.length > 0 ? await this.claims.claimAll(open) : [];
      ready = [...created, ...reclaimed.filter((delivery): delivery is ClaimedDelivery => delivery?.claimed === true)];
    } finally {
      this.reserved -= reservedCount;
    }
    this.claims.adopt(created, claimedAt);
    this.storeFailing = false;
    for (const delivery of ready) this.lane(targetOrigin(delivery.subscription.url) ?? '').waiting.push(delivery);
    const dataBefore = this.waitingData;
    this.countWaiting(ready, +1);
    if (ready.length > 0) this.dataPerDelivery = (this.waitingData - dataBefore) / ready.length;
    this.pump();
  }

  /** Gives back room booked with reserve() when fan-out creates nothing after all (or fails). */
  cancel(reservedCount: number): void {
    this.reserved -= reservedCount;
    this.wakeRoomWaiters();
  }

  /** Waits (at most `graceMs`) for the attempts in flight; hands the waiting deliveries to the queue. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.slowCheck);
    const waiting = [...this.lanes.values()].flatMap((lane) => lane.waiting.splice(0));
    this.countWaiting(waiting, -1);
    this.wakeRoomWaiters();
    await this.toQueue(waiting);
    if (this.running === 0) return;
    this.logger.log(`shutting down: finishing ${this.running} attempt(s) in flight`);
    let timer: NodeJS.Timeout | undefined;
    const graceMs = this.config.requestTimeoutMs + 5_000;
    await Promise.race([new Promise<void>((resolve) => this.idleWaiters.push(resolve)), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
  }

  /** Starts waiting deliveries while slots are free, origin by origin. */
  private pump(): void {
    if (this.storeFailing) return;
    for (const [origin, lane] of this.lanes) {
      while (this.running < this.slots && lane.running.size < this.slotsPerOrigin && lane.waiting.length > 0) {
        this.start(origin, lane, lane.waiting.shift()!);
      }
      if (this.running >= this.slots) break;
    }
    if (this.hasRoomFor(1)) this.wakeRoomWaiters();
  }

  private booked(): number {
    return this.waiting + this.reserved;
  }

  /** Room for `count` more by number, and by data once booked but undispatched room is counted in. */
  private hasRoomFor(count: number): boolean {
    const expectedData = this.waitingData + (this.reserved + count) * this.dataPerDelivery;
    return this.booked() + count <= this.maxWaiting && expectedData <= this.maxWaitingData;
  }

  /** Adds (+1) or removes (-1) deliveries from what waits, by number and by event data. */
  private countWaiting(deliveries: ClaimedDelivery[], sign: 1 | -1): void {
    this.waiting += sign * deliveries.length;
    for (const delivery of deliveries) this.waitingData += sign * delivery.dataSize;
  }

  private start(origin: string, lane: OriginLane, delivery: ClaimedDelivery): void {
    this.countWaiting([delivery], -1);
    this.running++;
    const startedAt = Date.now();
    lane.running.set(delivery.id, startedAt);
    void this.attempt(delivery).finally(() => {
      this.running--;
      lane.running.delete(delivery.id);
      const endedAt = Date.now();
      if (endedAt - startedAt < this.slowAfterMs) lane.lastQuickEnd = endedAt;
      if (lane.running.size === 0 && lane.waiting.length === 0) this.lanes.delete(origin);
      this.pump();
      if (this.running === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
    });
  }

  /** One attempt; a retry or postponement it asks for becomes a delayed job. */
  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    if (!this.claims.isFresh(delivery.id)) {
      // Its claim may have lapsed and been taken by a sweep: the sweeper hands it on instead.
      this.claims.forget(delivery.id);
      this.logger.warn({ delivery_id: delivery.id, msg: 'claim not renewed in time; delivery left to the outbox sweeper' });
      return;
    }
    try {
      const { retryAt } = await this.deliveries.deliverClaimed(delivery);
      if (!retryAt) return;
      const delayMs = Math.max(0, retryAt.getTime() - Date.now());
      await enqueueInTime(
        this.queue,
        () => enqueueDelivery(this.queue, delivery.id, { delayMs }),
        (reason) => this.logger.warn({ delivery_id: delivery.id, reason, msg: 'retry not enqueued; left to the outbox sweeper' }),
      );
    } catch (error) {
      // PostgreSQL away while recording: the claim lapses and the sweeper hands the delivery on.
      this.logger.error({ delivery_id: delivery.id, error_message: (error as Error).message, msg: 'attempt not recorded; left to the outbox sweeper' });
      this.dropWaiting();
    }
  }

  /**
   * Stops sending until a claim succeeds again and lets go of the waiting deliveries: their claims
   * lapse and the sweeper hands them on, unsent, once PostgreSQL is back.
   */
  private dropWaiting(): void {
    this.storeFailing = true;
    const dropped = [...this.lanes.values()].flatMap((lane) => lane.waiting.splice(0));
    this.countWaiting(dropped, -1);
    for (const delivery of dropped) this.claims.forget(delivery.id);
    if (dropped.length > 0) this.logger.warn({ deliveries: dropped.length, msg: 'PostgreSQL failing: waiting deliveries left to the outbox sweeper' });
    this.wakeRoomWaiters();
  }

  /**
   * Moves to the queue the waiting deliveries of origins whose every slot is held by a slow request
   * while none of their attempts ended quickly of late (a busy worker's healthy origin keeps ending
   * some quickly; a hanging one ends none).
   */
  private shedSlowOrigins(): void {
    const slowSince = Date.now() - this.slowAfterMs;
    for (const lane of this.lanes.values()) {
      if (lane.waiting.length === 0 || lane.running.size < this.slotsPerOrigin || lane.lastQuickEnd > slowSince) continue;
      if ([...lane.running.values()].every((startedAt) => startedAt <= slowSince)) {
        const shed = lane.waiting.splice(0);
        this.countWaiting(shed, -1);
        void this.toQueue(shed);
      }
    }
    this.pump();
  }

  /** Gives the claims back and enqueues a job per delivery (if Redis is away, the sweeper does it later). */
  private async toQueue(deliveries: ClaimedDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    const ids = deliveries.map((delivery) => delivery.id);
    try {
      await this.claims.release(ids);
      await enqueueInTime(
        this.queue,
        () => enqueueDeliveries(this.queue, ids),
        (reason) => this.logger.warn({ deliveries: ids.length, reason, msg: 'deliveries not enqueued; left to the outbox sweeper' }),
      );
    } catch (error) {
      this.logger.warn({ deliveries: ids.length, error_message: (error as Error).message, msg: 'claims not released; the deliveries wait for them to lapse' });
    }
  }

  private lane(origin: string): OriginLane {
    let lane = this.lanes.get(origin);
    if (!lane) this.lanes.set(origin, (lane = { running: new Map(), waiting: [], lastQuickEnd: 0 }));
    return lane;
  }

  private wakeRoomWaiters(): void {
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
