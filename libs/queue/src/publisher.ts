import { Queue, type ConnectionOptions } from 'bullmq';
import { newId } from '@app/domain/ids';
import { JobName, QueueName, defaultJobOptions, type IntakeJob, type PublishedEvent } from './queues';

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
  private readonly queue: Queue<IntakeJob>;

  constructor(options: HooklinePublisherOptions) {
    const connection = typeof options.connection === 'string' ? redisOptionsFromUrl(options.connection) : options.connection;
    this.queue = new Queue<IntakeJob>(QueueName.Intake, {
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
