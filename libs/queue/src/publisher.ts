import { Queue, type ConnectionOptions } from 'bullmq';
import { newId } from '@app/domain/ids';
import { clusterPrefixProblem, parseRedisClusterNodes } from '@app/domain/redis-cluster';
import { JobName, QueueName, defaultJobOptions, type IdentifiedPublishedEvent, type IntakeJob, type IntakeQueue, type PublishedEvent } from './queues';
import { bullConnection, redisOptionsFromUrl, type RedisClient } from './redis-client';

/** Events one job carries at most (as one POST /v1/events/batch); publishMany splits longer lists. */
export const MAX_EVENTS_PER_PUBLISHED_JOB = 500;

export interface HooklinePublisherOptions {
  /** An ioredis instance (a Cluster too) or connection options (host/port), or a redis:// URL. */
  connection?: ConnectionOptions | string;
  /**
   * Seed nodes of a Redis Cluster, written as REDIS_CLUSTER_NODES (`host:port,host:port`); when set,
   * `connection` is ignored and the publisher opens (and closes) a cluster client of its own.
   */
  clusterNodes?: string;
  /** BullMQ key prefix; must match the worker's QUEUE_PREFIX (with a hash tag on a cluster). */
  prefix?: string;
}

/**
 * Lets internal services emit events over Redis without going through HTTP. The worker validates
 * each published event exactly like the HTTP intake; invalid ones are recorded as rejected.
 */
export class HooklinePublisher {
  private readonly queue: IntakeQueue;
  /** The cluster client this publisher opened itself, closed with it. */
  private readonly ownClient: RedisClient | undefined;

  constructor(options: HooklinePublisherOptions) {
    const prefix = options.prefix ?? 'hookline';
    let connection: ConnectionOptions;
    if (options.clusterNodes !== undefined) {
      const problem = clusterPrefixProblem(prefix, 'prefix', 'clusterNodes');
      if (problem) throw new Error(problem);
      connection = bullConnection({ redisUrl: '', redisClusterNodes: parseRedisClusterNodes(options.clusterNodes, 'clusterNodes') }, 'hookline-publisher');
      this.ownClient = connection as RedisClient;
    } else if (options.connection !== undefined) {
      connection = typeof options.connection === 'string' ? redisOptionsFromUrl(options.connection) : options.connection;
    } else {
      throw new Error('HooklinePublisher needs `connection` (a redis:// URL, options or client) or `clusterNodes`.');
    }
    this.queue = new Queue<IntakeJob, void, typeof JobName.FanOut>(QueueName.Intake, { connection, prefix, defaultJobOptions });
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
    // BullMQ leaves a client it was given open.
    await this.ownClient?.quit();
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}
