import { Queue, type ConnectionOptions } from 'bullmq';
import { newId } from '@app/domain/ids';
import { JobName, QueueName, defaultJobOptions, type IdentifiedPublishedEvent, type IntakeJob, type IntakeQueue, type PublishedEvent } from './queues';

/** Events one job carries at most (as one POST /v1/events/batch); publishMany splits longer lists. */
export const MAX_EVENTS_PER_PUBLISHED_JOB = 500;

export interface HooklinePublisherOptions {
  /** An ioredis instance or connection options (host/port), or a redis:// URL. */
  connection: ConnectionOptions | string;
  /** BullMQ key prefix; must match the worker's QUEUE_PREFIX. */
  prefix?: string;
}

/**
 * Lets internal services emit events over Redis without going through HTTP. The worker validates
 * each published event exactly like the HTTP intake; invalid ones are recorded as rejected.
 */
export class HooklinePublisher {
  private readonly queue: IntakeQueue;

  constructor(options: HooklinePublisherOptions) {
    const connection = typeof options.connection === 'string' ? redisOptionsFromUrl(options.connection) : options.connection;
    this.queue = new Queue<IntakeJob, void, typeof JobName.FanOut>(QueueName.Intake, {
      connection,
      prefix: options.prefix ?? 'hookline',
      defaultJobOptions,
    });
  }

  /** Enqueues the event and returns its id (the job id too, so a retried publish is not duplicated). */
  async publish(event: PublishedEvent & { event_id?: string }): Promise<{ event_id: string }> {
    const { event_id = newId('evt'), ...payload } = event;
    await this.queue.add(JobName.FanOut, { event_id, event: payload }, { jobId: event_id });
    return { event_id };
  }

  /**
   * Enqueues several events as one job (up to MAX_EVENTS_PER_PUBLISHED_JOB each, in one round trip):
   * a job costs about 15 Redis commands however many events it carries. Returns the ids in order; the
   * first id of each job is its job id, so retrying the same call with the same ids is not duplicated.
   */
  async publishMany(events: (PublishedEvent & { event_id?: string })[]): Promise<{ event_id: string }[]> {
    const identified: IdentifiedPublishedEvent[] = events.map((event) => ({ ...event, event_id: event.event_id ?? newId('evt') }));
    const jobs = chunks(identified, MAX_EVENTS_PER_PUBLISHED_JOB).map((chunk) => ({
      name: JobName.FanOut,
      data: { event_id: chunk[0].event_id, events: chunk },
      opts: { jobId: chunk[0].event_id },
    }));
    if (jobs.length > 0) await this.queue.addBulk(jobs);
    return identified.map(({ event_id }) => ({ event_id }));
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

export function redisOptionsFromUrl(url: string): ConnectionOptions {
  const parsed = new URL(url);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : undefined;
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 6379,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: Number.isInteger(db) ? db : undefined,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
    // BullMQ workers need this; retrying forever rides out Redis restarts.
    maxRetriesPerRequest: null,
  };
}

function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}
