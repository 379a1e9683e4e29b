import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { DeliveryProcessor } from '../apps/worker/src/delivery/delivery.processor';
import { IntakeProcessor } from '../apps/worker/src/intake/intake.processor';
import { waitFor } from './support/poll';
import type { ReceivedRequest } from './support/receiver';
import { startStack, type OrgClient, type Stack } from './support/stack';

/** Signed deliveries, event-type matching, the test endpoint and 410 handling, through the real api and worker. */
describe('worker: delivery', () => {
  let stack: Stack;
  // Each test has its own organization, so one test's catch-all subscriptions never see another's events.
  let org: OrgClient;

  beforeAll(async () => {
    stack = await startStack();
  });

  beforeEach(async () => {
    org = await stack.addOrg('worker delivery');
  });

  afterAll(() => stack?.stop());

  const requestsTo = (path: string) => stack.requestsTo(path);

  it('delivers the envelope with signatures that verify', async () => {
    const subscription = await org.createSubscription({ url: `${stack.receiver.url}/signed`, events: ['order.paid'], headers: { 'X-Team': 'billing' } });
    const eventId = await org.publish({ event_type: 'order.paid', data: { order: 42, note: 'ünïcødé ✓' }, workflow_id: 'wf_7' });

    const [request] = await waitFor(() => requestsTo('/signed').length === 1 && requestsTo('/signed'), { what: 'the delivery' });
    const body = JSON.parse(request.body);
    expect(body).toEqual({
      event_id: eventId,
      event_type: 'order.paid',
      organization_id: org.id,
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      workflow_id: 'wf_7',
      data: { order: 42, note: 'ünïcødé ✓' },
    });
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': expect.stringMatching(/^Hookline\/\d+\.\d+\.\d+/),
      'webhook-id': eventId,
      'x-webhook-event': 'order.paid',
      'x-webhook-attempt': '1',
      'x-team': 'billing',
    });
    expect(Math.abs(Number(request.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);

    // The Standard Webhooks reference implementation verifies webhook-signature...
    expect(new Webhook(subscription.secret).verify(request.body, request.headers as Record<string, string>)).toEqual(body);
    expect(() => new Webhook(subscription.secret).verify(`${request.body} `, request.headers as Record<string, string>)).toThrow();
    // ...and X-Webhook-Signature is the hex HMAC of the raw body under the decoded whsec_ key.
    const key_ = Buffer.from(subscription.secret.slice('whsec_'.length), 'base64');
    expect(request.headers['x-webhook-signature']).toBe(`sha256=${createHmac('sha256', key_).update(request.body).digest('hex')}`);

    const [delivery] = await org.waitForDelivery(eventId);
    expect(delivery).toMatchObject({ webhook_id: subscription.id, status: 'delivered', attempts: 1 });
    const detail = await stack.api.request('GET', `/v1/webhooks/logs/${delivery.log_id}`, { key: org.key });
    expect(detail.body).toMatchObject({ status: 'delivered', response_status: 200, attempts: 1 });
    expect(detail.body.attempts_detail).toEqual([
      expect.objectContaining({ attempt: 1, request_status: 'success', response_status: 200, response_body: 'ok', error_message: null }),
    ]);
  });

  it('signs with a plain (non-whsec_) secret as UTF-8 bytes and omits workflow_id when absent', async () => {
    await org.createSubscription({ url: `${stack.receiver.url}/plain`, events: ['plain.secret'], secret: 'my plain secret' });
    const eventId = await org.publish({ event_type: 'plain.secret', data: {} });
    const [request] = await waitFor(() => requestsTo('/plain').length === 1 && requestsTo('/plain'), { what: 'the delivery' });
    expect(JSON.parse(request.body)).not.toHaveProperty('workflow_id');
    expect(request.headers['x-webhook-signature']).toBe(`sha256=${createHmac('sha256', 'my plain secret').update(request.body).digest('hex')}`);
    await org.waitForDelivery(eventId);
  });

  it('matches event types exactly, by prefix wildcard and by *', async () => {
    const all = await org.createSubscription({ url: `${stack.receiver.url}/all`, events: ['*'] });
    const workflow = await org.createSubscription({ url: `${stack.receiver.url}/workflow`, events: ['workflow.*'] });
    const completed = await org.createSubscription({ url: `${stack.receiver.url}/completed`, events: ['workflow.completed', 'other.type'] });
    await org.createSubscription({ url: `${stack.receiver.url}/inactive`, events: ['*'], is_active: false });

    const expected: Record<string, string[]> = {
      'workflow.step.started': [all.id, workflow.id],
      'workflowx.done': [all.id],
      'workflow.completed': [all.id, workflow.id, completed.id],
      workflow: [all.id],
    };
    for (const [eventType, subscriptionIds] of Object.entries(expected)) {
      const eventId = await org.publish({ event_type: eventType, data: {} });
      const deliveries = await org.waitForDelivery(eventId, { count: subscriptionIds.length });
      expect(deliveries.map((delivery) => delivery.webhook_id).sort()).toEqual([...subscriptionIds].sort());
      expect(deliveries.every((delivery) => delivery.status === 'delivered')).toBe(true);
    }
    const eventTypesAt = (path: string) =>
      requestsTo(path)
        .map((request: ReceivedRequest) => request.headers['x-webhook-event'])
        .sort();
    expect(eventTypesAt('/workflow')).toEqual(['workflow.completed', 'workflow.step.started']);
    expect(eventTypesAt('/completed')).toEqual(['workflow.completed']);
    expect(requestsTo('/inactive')).toHaveLength(0);
  });

  it('sends a test event to the one subscription, whatever its filter', async () => {
    // Inactive and filtering for another type: a test event still reaches it.
    const target = await org.createSubscription({ url: `${stack.receiver.url}/test-target`, events: ['never.published'], is_active: false });
    await org.createSubscription({ url: `${stack.receiver.url}/test-bystander`, events: ['*'] });

    const response = await stack.api.request('POST', `/v1/webhooks/${target.id}/test`, { key: org.key });
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ message: 'Test webhook sent successfully', event_id: expect.any(String) });

    const deliveries = await org.waitForDelivery(response.body.event_id);
    expect(deliveries).toEqual([expect.objectContaining({ webhook_id: target.id, status: 'delivered' })]);
    expect(requestsTo('/test-target').map((request) => request.headers['x-webhook-event'])).toEqual(['webhook.test']);
    expect(requestsTo('/test-bystander')).toHaveLength(0);
    const logs = await stack.api.request('GET', `/v1/webhooks/${target.id}/logs`, { key: org.key });
    expect(logs.body.logs).toEqual([expect.objectContaining({ event_type: 'webhook.test', status: 'delivered' })]);
  });

  it('sends the data alone in the "data" format, with the call id as a header', async () => {
    const subscription = await org.createSubscription({ url: `${stack.receiver.url}/data-only`, events: ['task.done'], payload_format: 'data' });
    const eventId = await org.publish({ event_type: 'task.done', data: { task: 't_1', result: [1, 2] }, call_id: 'call_42', channel: 'queue:7' });
    const [request] = await waitFor(() => requestsTo('/data-only').length === 1 && requestsTo('/data-only'), { what: 'the delivery' });
    expect(JSON.parse(request.body)).toEqual({ task: 't_1', result: [1, 2] });
    expect(request.headers['x-webhook-call-id']).toBe('call_42');
    expect(new Webhook(subscription.secret).verify(request.body, request.headers as Record<string, string>)).toEqual({ task: 't_1', result: [1, 2] });
    await org.waitForDelivery(eventId);
  });

  it("delivers every event of a channel to the channel's webhook, with its token", async () => {
    const put = await stack.api.request('PUT', '/v1/channels/worker:w_1/webhook', { key: org.key, body: { url: `${stack.receiver.url}/channel` } });
    expect(put.status).toBe(200);
    const token = put.body.token as string;
    const onChannel = await org.publish({ event_type: 'any.type', data: { n: 1 }, channel: 'worker:w_1' });
    const elsewhere = await org.publish({ event_type: 'any.type', data: { n: 2 }, channel: 'worker:w_2' });

    const [request] = await waitFor(() => requestsTo('/channel').length === 1 && requestsTo('/channel'), { what: 'the channel delivery' });
    expect(JSON.parse(request.body)).toMatchObject({ event_id: onChannel, channel: 'worker:w_1', data: { n: 1 } });
    expect(request.headers['x-webhook-token']).toBe(token);
    expect(request.headers['x-webhook-signature']).toBe(`sha256=${createHmac('sha256', token).update(request.body).digest('hex')}`);
    await org.waitForDelivery(onChannel);
    await waitFor(async () => (await stack.db.query('SELECT 1 FROM events WHERE id = $1 AND fanned_out_at IS NOT NULL', [elsewhere])).rowCount, {
      what: 'the other fan-out',
    });
    expect((await stack.api.request('GET', `/v1/events/${elsewhere}`, { key: org.key })).body.deliveries).toEqual([]);
  });

  it('runs its BullMQ workers with the configured concurrency and lock duration', () => {
    const deliveryWorker = stack.worker.get(DeliveryProcessor).worker;
    expect(deliveryWorker.concurrency).toBe(stack.config.workerConcurrency);
    expect(deliveryWorker.opts).toMatchObject({ lockDuration: stack.config.workerLockDurationMs, stalledInterval: stack.config.workerLockDurationMs });
    // The processors' @OnWorkerEvent handlers survive the per-config subclass.
    expect(deliveryWorker.listenerCount('failed')).toBeGreaterThan(0);
    expect(deliveryWorker.listenerCount('error')).toBeGreaterThan(0);
    expect(stack.worker.get(IntakeProcessor).worker.concurrency).toBeLessThanOrEqual(stack.config.workerConcurrency);
  });

  it('marks a delivery answered 410 Gone failed at once and deactivates the subscription', async () => {
    stack.receiver.respondWith(
      (request, response) => void response.writeHead(request.path === '/gone' ? 410 : 200).end(request.path === '/gone' ? 'gone for good' : 'ok'),
    );
    const gone = await org.createSubscription({ url: `${stack.receiver.url}/gone`, events: ['gone.check'] });
    const witness = await org.createSubscription({ url: `${stack.receiver.url}/witness`, events: ['gone.check'] });

    const eventId = await org.publish({ event_type: 'gone.check', data: {} });
    const deliveries = await org.waitForDelivery(eventId, { count: 2 });
    const delivery = deliveries.find((candidate) => candidate.webhook_id === gone.id)!;
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1 });
    const detail = await stack.api.request('GET', `/v1/webhooks/logs/${delivery.log_id}`, { key: org.key });
    expect(detail.body).toMatchObject({ response_status: 410, next_attempt_at: null });
    expect(detail.body.attempts_detail).toEqual([expect.objectContaining({ request_status: 'error', response_status: 410, response_body: 'gone for good' })]);
    expect((await stack.api.request('GET', `/v1/webhooks/${gone.id}`, { key: org.key })).body.is_active).toBe(false);

    // Deactivated: later events reach only the other subscription.
    const later = await org.publish({ event_type: 'gone.check', data: {} });
    expect(await org.waitForDelivery(later)).toEqual([expect.objectContaining({ webhook_id: witness.id, status: 'delivered' })]);
    expect(requestsTo('/gone')).toHaveLength(1);
  });
});
