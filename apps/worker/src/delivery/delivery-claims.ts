import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { HOOKLINE_CONFIG, type HooklineConfig } from '@app/config';
import type { ClaimedDelivery } from '@app/database/repositories/delivery-context';
import { DeliveryRepository } from '@app/database/repositories/delivery.repository';
import { MicroBatcher } from '@app/domain/micro-batcher';

const BATCH_WAIT_MS = 2;
const MAX_BATCH_ROWS = 200;

/**
 * The claims this worker holds on deliveries it is attempting (see DeliveryRepository.claim): takes
 * them (concurrent single claims share one statement), renews in one statement the ones
 * held for a third of their lifetime, and forgets them once the attempt is recorded (which clears
 * the claim in the same statement). A claim lives as long as a BullMQ job lock
 * (WORKER_LOCK_DURATION_MS): if this worker dies, its deliveries are taken over as soon as its jobs
 * are. A claim it fails to renew (PostgreSQL away) simply lapses: at worst a delivery is attempted
 * twice, never lost.
 */
@Injectable()
export class DeliveryClaims implements OnModuleDestroy {
  private readonly logger = new Logger(DeliveryClaims.name);
  /** Delivery id → when this worker's claim on it was last taken or renewed (ms). */
  private readonly held = new Map<string, number>();
  private renewing = false;
  private readonly single = new MicroBatcher<string, ClaimedDelivery | null>((ids) => this.claimAll(ids), {
    maxItems: MAX_BATCH_ROWS,
    maxWaitMs: BATCH_WAIT_MS,
  });
  /** How long a claim holds without renewal. */
  readonly ttlMs: number;
  private readonly renewEveryMs: number;
  private readonly renewal: NodeJS.Timeout;

  constructor(
    @Inject(HOOKLINE_CONFIG) config: HooklineConfig,
    private readonly repository: DeliveryRepository,
  ) {
    this.ttlMs = config.workerLockDurationMs;
    this.renewEveryMs = Math.max(100, Math.floor(this.ttlMs / 3));
    // Looked at four times per renewal period: a claim is renewed at most a quarter period after it
    // falls due, leaving most of a period before isFresh gives it up. Checked once per period, a claim
    // could reach the freshness limit before its renewal had even started.
    this.renewal = setInterval(() => void this.renew(), Math.max(25, Math.floor(this.renewEveryMs / 4))).unref();
  }

  /** Claims one delivery (batched with concurrent calls); null when it does not exist. */
  claim(id: string): Promise<ClaimedDelivery | null> {
    return this.single.add(id);
  }

  /** Claims these deliveries in one statement; answers each one asked for, in order (null when missing). */
  async claimAll(ids: string[]): Promise<(ClaimedDelivery | null)[]> {
    const now = Date.now();
    const found = new Map((await this.repository.claim(ids, this.ttlMs)).map((delivery) => [delivery.id, delivery]));
    for (const delivery of found.values()) if (delivery.claimed) this.held.set(delivery.id, now);
    return ids.map((id) => found.get(id) ?? null);
  }

  /**
   * Holds deliveries this worker created claimed (fan-out), from `claimedAt`: a time taken before the
   * statement that claimed them, so that isFresh never counts a claim as younger than it is.
   */
  adopt(created: ClaimedDelivery[], claimedAt: number): void {
    for (const delivery of created) this.held.set(delivery.id, claimedAt);
  }

  /**
   * Whether the claim on this delivery is surely still this worker's: taken or renewed less than two
   * thirds of its lifetime ago. A claim whose renewals fell behind (PostgreSQL slow or away) may have
   * lapsed and been taken by a sweep; such a delivery must not be started.
   */
  isFresh(id: string): boolean {
    const confirmedAt = this.held.get(id);
    return confirmedAt !== undefined && Date.now() - confirmedAt < this.ttlMs - this.renewEveryMs;
  }

  /** The attempt is recorded (its claim cleared with it) or the delivery postponed or cancelled. */
  forget(id: string): void {
    this.held.delete(id);
  }

  /** Gives claims back without an attempt, so that a queued job may take them at once. */
  async release(ids: string[]): Promise<void> {
    for (const id of ids) this.held.delete(id);
    await this.repository.releaseClaims(ids);
  }

  get inFlight(): number {
    return this.held.size;
  }

  onModuleDestroy(): void {
    clearInterval(this.renewal);
  }

  private async renew(): Promise<void> {
    if (this.renewing) return;
    const startedAt = Date.now();
    const due = [...this.held].filter(([, confirmedAt]) => confirmedAt <= startedAt - this.renewEveryMs).map(([id]) => id);
    if (due.length === 0) return;
    this.renewing = true;
    try {
      await this.repository.renewClaims(due, this.ttlMs);
      for (const id of due) if (this.held.has(id)) this.held.set(id, startedAt);
    } catch (error) {
      this.logger.warn({ claims: due.length, error_message: (error as Error).message, msg: 'claims not renewed; they lapse unless the next renewal succeeds' });
    } finally {
      this.renewing = false;
    }
  }
}
