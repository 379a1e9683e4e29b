import type { ApiProcess } from './api-process';
import { waitFor } from './poll';
import type { Receiver } from './receiver';

/** Events posted continuously to POST /v1/events, with what the API answered to each. */
export interface EventStream {
  /** Ids of the events answered 202, in answer order. */
  accepted: string[];
  /** How many requests got each status (0: no HTTP answer at all). */
  statuses: Map<number, number>;
  /** Stops posting and waits for the requests in flight. */
  stop(): Promise<void>;
}

/** Posts events to `api` from `concurrency` loops, each pausing `pauseMs` between posts, until stopped. */
export function startEventStream(api: ApiProcess, key: string, { concurrency = 4, pauseMs = 25, eventType = 'fault.stream' } = {}): EventStream {
  const accepted: string[] = [];
  const statuses = new Map<number, number>();
  let running = true;
  let sequence = 0;
  const loop = async () => {
    while (running) {
      const body = { event_type: eventType, data: { sequence: sequence++ } };
      const answer = await api.request('POST', '/v1/events', { key, body }).catch(() => ({ status: 0, body: undefined }));
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      if (answer.status === 202) accepted.push(answer.body.event_id);
      // A steady trickle rather than a flood: the tests count on hundreds of events, not thousands.
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  };
  const loops = Array.from({ length: concurrency }, loop);
  return {
    accepted,
    statuses,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** How often each webhook-id reached the receiver. */
export function receivedCounts(receiver: Receiver): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of receiver.requests) {
    const id = request.headers['webhook-id'];
    if (typeof id === 'string') counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** The accepted ids the receiver has not seen (yet). */
export function undelivered(accepted: string[], receiver: Receiver): string[] {
  const counts = receivedCounts(receiver);
  return accepted.filter((id) => !counts.has(id));
}

/** Webhook-ids the receiver saw more than once, with how many extra requests they took. */
export function duplicates(receiver: Receiver): { ids: string[]; extraRequests: number } {
  const ids: string[] = [];
  let extraRequests = 0;
  for (const [id, count] of receivedCounts(receiver)) {
    if (count > 1) {
      ids.push(id);
      extraRequests += count - 1;
    }
  }
  return { ids, extraRequests };
}

/** Waits until the receiver has seen every accepted event; fails naming how many never arrived. */
export async function expectAllDelivered(accepted: string[], receiver: Receiver, timeoutMs = 45_000): Promise<void> {
  try {
    await waitFor(() => undelivered(accepted, receiver).length === 0, { timeoutMs, what: 'every accepted event at the receiver' });
  } catch (error) {
    const missing = undelivered(accepted, receiver);
    throw new Error(`${(error as Error).message}: ${missing.length} of ${accepted.length} never arrived (e.g. ${missing.slice(0, 3).join(', ')})`, {
      cause: error,
    });
  }
}
