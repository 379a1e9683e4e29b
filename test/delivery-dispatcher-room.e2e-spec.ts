import { waitFor } from './support/poll';
import { useStack } from './support/stack';

/**
 * The worker holds fanned-out deliveries in memory until a slot frees: at most WORKER_CONCURRENCY × 20
 * of them, and at most their share of event data (WORKER_CONCURRENCY × 320 Ki characters of JSON).
 * Beyond that, fan-out waits and events wait as rows, so large payloads cannot fill a worker's heap.
 */
describe('delivery dispatcher: room for waiting deliveries', () => {
  // One slot: room for 20 deliveries and ~320 KiB of their events' data.
  const stack = useStack({ config: { workerConcurrency: 1 } });

  it('keeps large events waiting as rows once the waiting deliveries hold their share of data', async () => {
    stack.receiver.respondWith((_request, response) => void setTimeout(() => response.writeHead(200).end('ok'), 150));
    await stack.createSubscription({ name: 'large', url: `${stack.receiver.url}/large`, events: ['large.*'] });
    const blob = 'x'.repeat(100_000);

    const eventIds: string[] = [];
    let mostCreatedUnsent = 0;
    const unsent = async () => {
      const { rows } = await stack.db.query<{ n: number }>('SELECT count(*)::int AS n FROM deliveries WHERE event_id = ANY($1) AND attempts = 0', [eventIds]);
      return rows[0].n;
    };
    const watching = (async () => {
      while (eventIds.length < 12 || (await unsent()) > 0) {
        mostCreatedUnsent = Math.max(mostCreatedUnsent, await unsent());
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    for (let n = 0; n < 12; n++) eventIds.push(await stack.publish({ event_type: 'large.event', data: { n, blob } }));
    await watching;

    for (const eventId of eventIds) await stack.waitForDelivery(eventId);
    await waitFor(() => stack.requestsTo('/large').length === 12, { what: '12 large deliveries' });
    expect(stack.requestsTo('/large').map((request) => JSON.parse(request.body).data.blob.length)).toEqual(eventIds.map(() => blob.length));
    // 12 fit the room by number (20), so only their data held them back: three or four waiting
    // (~320 KiB) and one being sent. Unbounded, all 12 are created while the first requests are
    // still being answered (11 unsent at once, checked).
    expect(mostCreatedUnsent).toBeLessThanOrEqual(7);
  });
});
