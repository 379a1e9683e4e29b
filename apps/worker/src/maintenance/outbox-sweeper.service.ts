import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { HOOKLINE_CONFIG, type HooklineConfig } from '@app/config';
import type { Queue } from 'bullmq';
import { MaintenanceRepository } from '@app/database/repositories/maintenance.repository';
import { QueueName, enqueueDelivery, enqueueStoredEvents, type DeliveryQueue, type IntakeQueue } from '@app/queue';

/** An event younger than this is still being enqueued by the API that stored it. */
export const EVENT_ENQUEUE_GRACE_MS = 2_000;
/** Rows looked at per query; one sweep looks at most at MAX_PAGES_PER_SWEEP pages per table. */
const PAGE_SIZE = 500;
const MAX_PAGES_PER_SWEEP = 20;
/**
 * Intake jobs of each pending state looked at for the oldest one: waiting and running ones come
 * oldest first; a batch job carries up to 500 event ids, so a few are enough to read every sweep.
 */
const PENDING_JOBS_LOOKED_AT = 10;
/** Job states that mean no job will run any more: the row needs a fresh one. */
const ENDED_JOB_STATES = new Set(['unknown', 'completed', 'failed']);

/** Where a sweep of one table goes on from: the next sweep continues after the last id looked at. */
interface SweepCursor {
  afterId: string;
}

/**
 * PostgreSQL is the source of truth, Redis only schedules: this finds rows whose job is gone (Redis
 * restarted without persistence, was unreachable when the API stored an event, or the job failed
 * for good) and enqueues them again. Job ids are row ids, so racing the normal path, or another
 * replica's sweeper, cannot create a second job.
 */
@Injectable()
export class OutboxSweeper {
  private readonly logger = new Logger(OutboxSweeper.name);
  private readonly eventCursor: SweepCursor = { afterId: '' };
  private readonly deliveryCursor: SweepCursor = { afterId: '' };
  /**
   * An open delivery overdue by this much, and held by no claim, may have lost its job: its job state
   * then tells. Deliveries are claimed within milliseconds of their creation or of their job's start,
   * and claims, like job locks, last WORKER_LOCK_DURATION_MS.
   */
  private readonly deliveryGraceMs: number;

  constructor(
    private readonly repository: MaintenanceRepository,
    @Inject(HOOKLINE_CONFIG) config: HooklineConfig,
    @InjectQueue(QueueName.Intake) private readonly intakeQueue: IntakeQueue,
    @InjectQueue(QueueName.Deliveries) private readonly deliveriesQueue: DeliveryQueue,
  ) {
    this.deliveryGraceMs = config.workerLockDurationMs;
  }

  /** Enqueues the fan-out of accepted events still waiting for it; returns how many were enqueued. */
  async sweepEvents(now = new Date()): Promise<number> {
    // A batch intake job names its events in its data, not in its id: an event created after the
    // oldest pending intake job may still be waiting in one, so only older events count as jobless.
    const oldestPending = await this.oldestPendingIntakeJobTime();
    const createdBefore = new Date(Math.min(now.getTime(), oldestPending ?? Infinity) - EVENT_ENQUEUE_GRACE_MS);
    const enqueued = await this.sweep(
      this.eventCursor,
      (afterId) => this.repository.findUnfannedEventIds(createdBefore, afterId, PAGE_SIZE),
      (ids) =>
        this.enqueueJobless(this.intakeQueue, ids, async (id, state) => {
          if (state !== 'unknown') await this.intakeQueue.remove(id);
          await enqueueStoredEvents(this.intakeQueue, [id]);
        }),
    );
    if (enqueued > 0) this.logger.warn(`outbox sweep: enqueued the fan-out of ${enqueued} event(s) that had no intake job`);
    return enqueued;
  }

  /** Enqueues open deliveries that are overdue and have no job; returns how many were enqueued. */
  async sweepDeliveries(now = new Date()): Promise<number> {
    const dueBefore = new Date(now.getTime() - this.deliveryGraceMs);
    const enqueued = await this.sweep(
      this.deliveryCursor,
      (afterId) => this.repository.findOverdueDeliveryIds(dueBefore, afterId, PAGE_SIZE),
      // enqueueDelivery clears an ended job before adding the new one.
      (ids) => this.enqueueJobless(this.deliveriesQueue, ids, (id) => enqueueDelivery(this.deliveriesQueue, id)),
    );
    if (enqueued > 0) this.logger.warn(`outbox sweep: enqueued ${enqueued} overdue delivery(ies) that had no job`);
    return enqueued;
  }

  /**
   * Looks at up to MAX_PAGES_PER_SWEEP pages after the cursor, so a long backlog of rows that do have
   * jobs cannot hide the rows behind it; the cursor starts over once a page comes back short.
   */
  private async sweep(cursor: SweepCursor, page: (afterId: string) => Promise<string[]>, enqueue: (ids: string[]) => Promise<number>): Promise<number> {
    let enqueued = 0;
    for (let pages = 0; pages < MAX_PAGES_PER_SWEEP; pages++) {
      const ids = await page(cursor.afterId);
      if (ids.length > 0) {
        enqueued += await enqueue(ids);
        cursor.afterId = ids[ids.length - 1];
      }
      if (ids.length < PAGE_SIZE) {
        cursor.afterId = '';
        break;
      }
    }
    return enqueued;
  }

  /** When the oldest intake job still to run (waiting, running or retrying) was added; null when none is. */
  private async oldestPendingIntakeJobTime(): Promise<number | null> {
    const jobs = await this.intakeQueue.getJobs(['wait', 'active', 'delayed'], 0, PENDING_JOBS_LOOKED_AT, true);
    const times = jobs.filter((job) => job !== undefined && job !== null).map((job) => job.timestamp);
    return times.length > 0 ? Math.min(...times) : null;
  }

  /** Enqueues the ids whose job is missing or ended, via `enqueue`; returns how many. */
  private async enqueueJobless<T>(queue: Queue<T>, ids: string[], enqueue: (id: string, state: string) => Promise<void>): Promise<number> {
    const states = await Promise.all(ids.map((id) => queue.getJobState(id)));
    const jobless = ids.map((id, index) => ({ id, state: states[index] })).filter(({ state }) => ENDED_JOB_STATES.has(state));
    await Promise.all(jobless.map(({ id, state }) => enqueue(id, state)));
    return jobless.length;
  }
}
