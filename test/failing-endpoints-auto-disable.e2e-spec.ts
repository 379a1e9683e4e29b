import type { INestApplicationContext } from '@nestjs/common';
import type { Pool } from 'pg';
import { AutoDisableService } from '../apps/worker/src/endpoint-health/auto-disable.service';
import type { HooklineConfig } from '@app/config';
import type { TestApi } from './support/api';
import { waitFor } from './support/poll';
import { startReceiver, type Receiver } from './support/receiver';
import { startStack, type OrgClient, type Stack } from './support/stack';
import { startWorker } from './support/worker';

interface Notice {
  event_type: string;
  data: Record<string, unknown>;
}

/**
 * Auto-disable: a subscription whose deliveries have all failed for DISABLE_AFTER_HOURS is set inactive
 * with a reason, its open deliveries end, and the organization hears webhook.disabled; checked right
 * after a failed attempt and periodically (by every replica, announced once).
 */
describe('failing endpoints: auto-disable', () => {
  // 0.0005 hours = 1.8 s. Retries an hour away keep the deliveries open (retrying) until the disable;
  // the circuit breaker is off here so that every event makes a real attempt.
  let stack: Stack;
  let config: HooklineConfig;
  let api: TestApi;
  let db: Pool;
  let watch: Receiver;
  const receivers: Receiver[] = [];
  const workers: INestApplicationContext[] = [];

  beforeAll(async () => {
    stack = await startStack({
      workers: 0,
      config: { disableAfterHours: 0.0005, retryBaseMs: 3600_000, retryMaxDelayMs: 3600_000, breakerFailures: 0 },
    });
    ({ config, api, db, receiver: watch } = stack);
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.close()));
    await Promise.all(receivers.map((receiver) => receiver.close()));
    await stack?.stop();
  });

  const deadReceiver = async () => {
    const receiver = await startReceiver((_, response) => void response.writeHead(500).end('down'));
    receivers.push(receiver);
    return receiver;
  };
  const getSubscription = async (key: string, id: string) => (await api.request('GET', `/v1/webhooks/${id}`, { key })).body;
  const publish = (org: OrgClient, eventType = 'order.created') => org.publish({ event_type: eventType, data: { n: 1 } });
  const failingSince = async (id: string) =>
    (await db.query('SELECT failing_since FROM subscriptions WHERE id = $1', [id])).rows[0].failing_since as Date | null;
  const deliveriesOf = async (id: string) =>
    (await db.query('SELECT status, attempts, error_message FROM deliveries WHERE subscription_id = $1', [id])).rows as {
      status: string;
      attempts: number;
      error_message: string | null;
    }[];
  const noticesFor = async (id: string) =>
    (await db.query(`SELECT id, organization_id, data FROM events WHERE event_type = 'webhook.disabled' AND data->>'subscription_id' = $1`, [id])).rows;
  const noticesReceived = (receiver: Receiver, subscriptionId: string) =>
    receiver.requests
      .map((request) => JSON.parse(request.body) as Notice)
      .filter((body) => body.event_type === 'webhook.disabled' && body.data.subscription_id === subscriptionId);

  it('disables after a failed attempt once the failures span DISABLE_AFTER_HOURS (a fraction), tells the org, and re-enables on PATCH', async () => {
    workers.push(await startWorker(config));
    const dead = await deadReceiver();
    const org = await stack.addOrg('auto-disable');
    const { key, id: organizationId } = org;
    await org.createSubscription({ name: 'watcher', url: `${watch.url}/notices`, events: ['webhook.disabled'] });
    // Subscribed to everything: being inactive is what keeps the notice away from it.
    const failing = await org.createSubscription({ name: 'failing endpoint', url: `${dead.url}/hook`, events: ['*'] });

    await publish(org);
    const since = await waitFor(() => failingSince(failing.id), { what: 'failing_since after the first failure' });
    expect((await getSubscription(key, failing.id)).is_active).toBe(true);

    // Every failed attempt checks; the first one after 1.8 s of failures disables.
    const disabled = await waitFor(
      async () => {
        const subscription = await getSubscription(key, failing.id);
        if (!subscription.is_active) return subscription;
        await publish(org);
        return false;
      },
      { intervalMs: 250, timeoutMs: 15_000, what: 'the subscription to be disabled' },
    );
    expect(disabled.disabled_reason).toBe('all deliveries failed for 0.0005 hours');
    const { updated_at: disabledAt } = (await db.query('SELECT updated_at FROM subscriptions WHERE id = $1', [failing.id])).rows[0];
    expect(disabledAt.getTime() - since.getTime()).toBeGreaterThanOrEqual(1800);
    expect(dead.requests.length).toBeGreaterThan(1);

    // Its open deliveries ended: a disabled endpoint gets nothing more.
    const deliveries = await waitFor(async () => {
      const rows = await deliveriesOf(failing.id);
      return rows.every((row) => row.status !== 'pending' && row.status !== 'retrying') ? rows : undefined;
    });
    expect(
      deliveries.filter((row) => row.status === 'failed' && row.error_message === 'webhook disabled: all deliveries failed for 0.0005 hours').length,
    ).toBeGreaterThan(0);
    const requestsWhenDisabled = dead.requests.length;

    // The organization's other subscription hears it, once; the disabled one does not.
    const [notice] = await waitFor(() => (noticesReceived(watch, failing.id).length > 0 ? noticesReceived(watch, failing.id) : undefined), {
      what: 'the webhook.disabled notice',
    });
    expect(notice.data).toEqual({
      subscription_id: failing.id,
      name: 'failing endpoint',
      url: `${dead.url}/hook`,
      disabled_reason: 'all deliveries failed for 0.0005 hours',
      failing_since: since.toISOString(),
    });
    const stored = await noticesFor(failing.id);
    expect(stored).toHaveLength(1);
    expect(stored[0].organization_id).toBe(organizationId);
    expect(dead.requests.some((request) => request.body.includes('webhook.disabled'))).toBe(false);

    // New events do not reach it while it is disabled.
    const ignored = await publish(org);
    await waitFor(async () => (await db.query('SELECT fanned_out_at FROM events WHERE id = $1', [ignored])).rows[0]?.fanned_out_at, {
      what: 'fan-out of the ignored event',
    });
    expect(await deliveriesOf(failing.id)).toHaveLength(deliveries.length);

    // Re-enabling clears the reason and restarts the clock; deliveries flow again.
    const patched = await api.request('PATCH', `/v1/webhooks/${failing.id}`, { key, body: { is_active: true } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ is_active: true, disabled_reason: null });
    expect(await failingSince(failing.id)).toBeNull();
    dead.respondWith((_, response) => void response.writeHead(200).end('back'));
    const afterwards = await publish(org, 'order.shipped');
    await waitFor(() => dead.requests.slice(requestsWhenDisabled).some((request) => JSON.parse(request.body).event_id === afterwards), {
      what: 'a delivery after re-enabling',
    });
    await waitFor(async () => (await deliveriesOf(failing.id)).some((row) => row.status === 'delivered'), { what: 'the delivered row' });
    expect((await getSubscription(key, failing.id)).is_active).toBe(true);
  });

  it('finds failing subscriptions on its schedule too, and two replicas announce each one once', async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.close()));
    // The default 120 hours; the check runs every 200 ms on each of two replicas.
    const replicaConfig = { ...config, disableAfterHours: 120, disableCheckIntervalMs: 200 };
    const replicas = [await startWorker(replicaConfig), await startWorker(replicaConfig)];
    workers.push(...replicas);
    const dead = await deadReceiver();
    const org = await stack.addOrg('auto-disable schedule');
    const { key } = org;
    await org.createSubscription({ name: 'watcher', url: `${watch.url}/schedule`, events: ['webhook.*'] });
    const stale = await org.createSubscription({ name: 'stale', url: `${dead.url}/stale`, events: ['order.*'] });
    const recent = await org.createSubscription({ name: 'recent', url: `${dead.url}/recent`, events: ['order.*'] });

    await publish(org);
    await waitFor(async () => (await failingSince(stale.id)) && (await failingSince(recent.id)), { what: 'both subscriptions failing' });
    // As if the failures had gone on for 121 and 119 hours.
    await db.query(`UPDATE subscriptions SET failing_since = now() - interval '121 hours' WHERE id = $1`, [stale.id]);
    await db.query(`UPDATE subscriptions SET failing_since = now() - interval '119 hours' WHERE id = $1`, [recent.id]);

    const disabled = await waitFor(
      async () => {
        const subscription = await getSubscription(key, stale.id);
        return subscription.is_active ? undefined : subscription;
      },
      { what: 'the scheduled check to disable the stale subscription' },
    );
    expect(disabled.disabled_reason).toBe('all deliveries failed for 120 hours');
    expect((await getSubscription(key, recent.id)).is_active).toBe(true);
    expect(await deliveriesOf(stale.id)).toEqual([{ status: 'failed', attempts: 1, error_message: 'webhook disabled: all deliveries failed for 120 hours' }]);
    expect((await deliveriesOf(recent.id))[0].status).toBe('retrying');

    // Both replicas check again at once: the conditional UPDATE leaves nothing to either.
    const again = await Promise.all(replicas.map((replica) => replica.get(AutoDisableService).disableFailing()));
    expect(again).toEqual([0, 0]);
    expect(await noticesFor(stale.id)).toHaveLength(1);
    await waitFor(() => noticesReceived(watch, stale.id).length === 1, { what: 'the notice at the watcher' });
    expect(noticesReceived(watch, recent.id)).toHaveLength(0);
  });
});
