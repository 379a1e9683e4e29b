import type { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Pool } from 'pg';
import type { HooklineConfig } from '@app/config';
import { PrismaService } from '@app/database';
import { HooklinePublisher, redisOptionsFromUrl, type QueueName } from '@app/queue';
import { startApi, type TestApi } from './api';
import { testConfig } from './config';
import { createTestPool } from './database';
import { waitFor } from './poll';
import { startReceiver, type Receiver } from './receiver';
import { startWorker } from './worker';

export interface Org {
  id: string;
  api_key: string;
}

/** A subscription as POST /v1/webhooks answers it. */
export interface CreatedSubscription {
  id: string;
  secret: string;
  url: string;
  [field: string]: any;
}

/** One delivery of an event, as GET /v1/events/:id lists it. */
export interface EventDelivery {
  log_id: string;
  webhook_id: string;
  status: string;
  attempts: number;
}

/** An organization with its key, and factories acting as it. */
export interface OrgClient {
  id: string;
  key: string;
  /** POST /v1/webhooks (expects 201); name "hook", every event type and the receiver's /hook unless `body` says otherwise. */
  createSubscription(body?: Record<string, unknown>): Promise<CreatedSubscription>;
  /** POST /v1/events (expects 202); resolves with the event id. */
  publish(body: Record<string, unknown>): Promise<string>;
  /** The event's `count` deliveries (default 1) once none is pending or retrying any more. */
  waitForDelivery(eventId: string, options?: { count?: number; timeoutMs?: number }): Promise<EventDelivery[]>;
}

export interface StackOptions {
  /** How many workers run in this process (0: the API alone). */
  workers?: number;
  /** Settings over testConfig()'s (a whole testConfig() keeps its queue prefix). */
  config?: Partial<HooklineConfig>;
  /** The name of the organization created for the file. */
  orgName?: string;
}

/**
 * What most e2e files start: the API, worker(s), a receiver, a database pool and an organization
 * with a key (the stack's own factories act as it).
 */
export interface Stack extends OrgClient {
  config: HooklineConfig;
  api: TestApi;
  workers: INestApplicationContext[];
  /** The first worker (undefined until one is started). */
  worker: INestApplicationContext;
  receiver: Receiver;
  /** A pool on the file's own database. */
  db: Pool;
  /** The in-process API's PrismaService (rows a test sets up or checks directly). */
  prisma: PrismaService;
  org: Org;
  /** A BullMQ queue of the stack's prefix, to look at jobs; stop() empties (obliterates) and closes it. */
  queue<Data = any, Result = any, Name extends string = string>(name: QueueName): Queue<Data, Result, Name>;
  /** A HooklinePublisher on the stack's Redis and prefix (events published over Redis); stop() closes it. */
  publisher(): HooklinePublisher;
  /** Starts one more worker (settings over the stack's), which stop() closes. */
  addWorker(overrides?: Partial<HooklineConfig>): Promise<INestApplicationContext>;
  /** Another organization (through the admin endpoint), with factories acting as it. */
  addOrg(name?: string): Promise<OrgClient>;
  /** Receiver requests to `path`. */
  requestsTo(path: string): Receiver['requests'];
  /** Stops everything started, in reverse order. */
  stop(): Promise<void>;
}

/** Starts the stack for one test file; call stop() in afterAll. A failed start stops what it had started. */
export async function startStack({ workers = 1, config: overrides = {}, orgName = 'Test org' }: StackOptions = {}): Promise<Stack> {
  const config = testConfig(overrides);
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const close of stops.splice(0).reverse()) await close();
  };
  try {
    const receiver = await startReceiver();
    stops.push(() => receiver.close());
    const db = createTestPool(config.databaseUrl);
    stops.push(() => db.end());
    const api = await startApi(config);
    stops.push(() => api.close());
    const started: INestApplicationContext[] = [];
    const addWorker = async (workerOverrides: Partial<HooklineConfig> = {}) => {
      const worker = await startWorker({ ...config, ...workerOverrides });
      started.push(worker);
      stops.push(() => worker.close());
      return worker;
    };
    for (let index = 0; index < workers; index++) await addWorker();
    const addOrg = async (name = 'Test org') => orgClient(api, receiver, await api.createOrg(name));
    const org = await api.createOrg(orgName);
    const queue = <Data, Result, Name extends string>(name: QueueName) => {
      const opened = new Queue<Data, Result, Name>(name, { connection: redisOptionsFromUrl(config.redisUrl), prefix: config.queuePrefix });
      stops.push(async () => {
        await opened.obliterate({ force: true });
        await opened.close();
      });
      return opened;
    };
    const publisher = () => {
      const opened = new HooklinePublisher({ connection: config.redisUrl, prefix: config.queuePrefix });
      stops.push(() => opened.close());
      return opened;
    };
    return {
      config,
      api,
      prisma: api.app.get(PrismaService),
      queue,
      publisher,
      workers: started,
      get worker() {
        return started[0];
      },
      receiver,
      db,
      org,
      addWorker,
      addOrg,
      ...orgClient(api, receiver, org),
      requestsTo: (path) => receiver.requests.filter((request) => request.path === path),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * startStack() in the calling describe block's beforeAll, stop() in its afterAll: the stack a test file
 * shares, without a `let` per part. Read it inside tests and hooks (before beforeAll has run it throws).
 */
export function useStack(options: StackOptions = {}): Stack {
  return useStarted(() => startStack(options));
}

/**
 * `start()` in the calling describe block's beforeAll, its stop() in afterAll; the returned object
 * reads through to what start() gave (before beforeAll has run, any read throws).
 */
export function useStarted<T extends { stop(): Promise<void> }>(start: () => Promise<T>): T {
  let started: T | undefined;
  beforeAll(async () => {
    started = await start();
  });
  afterAll(async () => {
    await started?.stop();
  });
  return new Proxy({} as T, {
    get(_, property) {
      if (!started) throw new Error(`stack.${String(property)} read before the stack started (read it inside a test or hook)`);
      return Reflect.get(started, property) as unknown;
    },
  });
}

/** What the factories need of an API: the in-process TestApi or an ApiProcess. */
export interface ApiClient {
  request(method: string, path: string, options?: { key?: string; body?: unknown }): Promise<{ status: number; body: any }>;
}

/** Factories acting as `org` against `api`; subscriptions point at `receiver` unless told otherwise. */
export function orgClient(api: ApiClient, receiver: Pick<Receiver, 'url'>, org: Org): OrgClient {
  const key = org.api_key;
  return {
    id: org.id,
    key,
    createSubscription: async (body = {}) => {
      const response = await api.request('POST', '/v1/webhooks', { key, body: { name: 'hook', url: `${receiver.url}/hook`, events: ['*'], ...body } });
      expect(response.status).toBe(201);
      return response.body as CreatedSubscription;
    },
    publish: async (body) => {
      const response = await api.request('POST', '/v1/events', { key, body });
      expect(response.status).toBe(202);
      return response.body.event_id as string;
    },
    waitForDelivery: (eventId, { count = 1, timeoutMs } = {}) =>
      waitFor(
        async () => {
          const { body } = await api.request('GET', `/v1/events/${eventId}`, { key });
          const deliveries = (body?.deliveries ?? []) as EventDelivery[];
          return deliveries.length === count && deliveries.every((delivery) => delivery.status !== 'pending' && delivery.status !== 'retrying') && deliveries;
        },
        { what: `${count} settled deliveries of ${eventId}`, ...(timeoutMs ? { timeoutMs } : {}) },
      ),
  };
}
