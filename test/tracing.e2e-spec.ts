import { HooklinePublisher } from '@app/queue';
import { Tracing } from '@app/observability';
import { startOtlpCollector, type ExportedSpan, type OtlpCollector } from './support/otlp-collector';
import { waitFor } from './support/poll';
import { startStack, type Stack } from './support/stack';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-(0[01])$/;
const randomHex = (bytes: number) => [...crypto.getRandomValues(new Uint8Array(bytes))].map((byte) => byte.toString(16).padStart(2, '0')).join('');
/** A publisher's traceparent: a new trace and span, sampled. */
const publisherContext = () => {
  const traceId = randomHex(16);
  const spanId = randomHex(8);
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
};
const parts = (header: unknown) => {
  const match = TRACEPARENT.exec(String(header));
  if (!match) throw new Error(`not a traceparent: ${String(header)}`);
  return { traceId: match[1], spanId: match[2], flags: match[3] };
};

describe('tracing: trace context without an OTLP endpoint (propagation only)', () => {
  let stack: Stack;
  let publisher: HooklinePublisher;

  beforeAll(async () => {
    stack = await startStack({ orgName: 'tracing' });
    publisher = stack.publisher();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const subscribe = async (path: string) => {
    const response = await stack.api.request('POST', '/v1/webhooks', {
      key: stack.key,
      body: { name: path, url: `${stack.receiver.url}${path}`, events: [`trace${path.replace('/', '.')}`] },
    });
    expect(response.status).toBe(201);
  };
  const requestsTo = (path: string, count = 1) =>
    waitFor(
      () =>
        stack.receiver.requests.filter((request) => request.path === path).length >= count &&
        stack.receiver.requests.filter((request) => request.path === path),
      { what: `${count} request(s) to ${path}` },
    );

  it('the delivery request carries the publish request’s trace id, with its own span id and the sampled flag', async () => {
    await subscribe('/single');
    const publisherSpan = publisherContext();
    const response = await stack.api.request('POST', '/v1/events', {
      key: stack.key,
      body: { event_type: 'trace.single', data: {} },
      headers: { traceparent: publisherSpan.traceparent },
    });
    expect(response.status).toBe(202);

    const [request] = await requestsTo('/single');
    const sent = parts(request.headers.traceparent);
    expect(sent.traceId).toBe(publisherSpan.traceId);
    expect(sent.spanId).not.toBe(publisherSpan.spanId);
    expect(sent.flags).toBe('01');
  });

  it('every attempt (retries too) continues the same trace with a new span id', async () => {
    await subscribe('/retried');
    stack.receiver.respondWith(
      (request, response) =>
        void response.writeHead(request.path === '/retried' && stack.receiver.requests.filter((r) => r.path === '/retried').length === 1 ? 500 : 200).end('ok'),
    );
    const publisherSpan = publisherContext();
    await stack.api.request('POST', '/v1/events', {
      key: stack.key,
      body: { event_type: 'trace.retried', data: {} },
      headers: { traceparent: publisherSpan.traceparent },
    });

    const attempts = (await requestsTo('/retried', 2)).map((request) => parts(request.headers.traceparent));
    expect(attempts.map((attempt) => attempt.traceId)).toEqual([publisherSpan.traceId, publisherSpan.traceId]);
    expect(attempts[0].spanId).not.toBe(attempts[1].spanId);
  });

  it('a batch request’s traceparent applies to each of its events', async () => {
    await subscribe('/batch');
    const publisherSpan = publisherContext();
    const response = await stack.api.request('POST', '/v1/events/batch', {
      key: stack.key,
      body: {
        events: [
          { event_type: 'trace.batch', data: { n: 1 } },
          { event_type: 'trace.batch', data: { n: 2 } },
        ],
      },
      headers: { traceparent: publisherSpan.traceparent },
    });
    expect(response.body.accepted).toBe(2);
    const requests = await requestsTo('/batch', 2);
    expect(requests.map((request) => parts(request.headers.traceparent).traceId)).toEqual([publisherSpan.traceId, publisherSpan.traceId]);
  });

  it('an event published over Redis continues the traceparent it was published with', async () => {
    await subscribe('/published');
    const publisherSpan = publisherContext();
    await publisher.publish({ organization_id: stack.id, event_type: 'trace.published', data: {}, traceparent: publisherSpan.traceparent });
    const [request] = await requestsTo('/published');
    expect(parts(request.headers.traceparent).traceId).toBe(publisherSpan.traceId);
  });

  it('without (or with an invalid) traceparent each event starts a trace of its own, not sampled', async () => {
    await subscribe('/untraced');
    await stack.api.request('POST', '/v1/events', { key: stack.key, body: { event_type: 'trace.untraced', data: { n: 1 } } });
    await stack.api.request('POST', '/v1/events', {
      key: stack.key,
      body: { event_type: 'trace.untraced', data: { n: 2 } },
      headers: { traceparent: '00-not-a-trace-01' },
    });
    const sent = (await requestsTo('/untraced', 2)).map((request) => parts(request.headers.traceparent));
    expect(sent.map((context) => context.flags)).toEqual(['00', '00']);
    expect(sent[0].traceId).not.toBe(sent[1].traceId);
  });
});

describe('tracing: spans exported over OTLP/HTTP JSON', () => {
  let collector: OtlpCollector;
  let stack: Stack;

  beforeAll(async () => {
    collector = await startOtlpCollector();
    const tracing = {
      endpoint: collector.tracesUrl,
      protocol: 'http/json',
      serviceName: undefined,
      sampler: 'parentbased_always_on',
      samplerRatio: 1,
    } as const;
    stack = await startStack({ orgName: 'tracing', config: { tracing } });
  });
  afterAll(async () => {
    await stack?.stop();
    await collector?.close();
  });

  /** The spans of a trace once `count` of them have been exported (both apps flush on each probe). */
  const spansOf = (traceId: string, count: number) =>
    waitFor(
      async () => {
        await Promise.all([stack.api.app.get(Tracing).flush(), stack.worker.get(Tracing).flush()]);
        const spans = collector.spans().filter((span) => span.traceId === traceId);
        return spans.length >= count && spans;
      },
      { what: `${count} spans of trace ${traceId}` },
    );
  const one = (spans: ExportedSpan[], name: string) => {
    const matching = spans.filter((span) => span.name === name);
    expect(matching).toHaveLength(1);
    return matching[0];
  };

  it('exports intake → fan-out → attempt as one tree under the publisher’s span, and the receiver continues the attempt span', async () => {
    const { api, key, receiver } = stack;
    const subscription = await api.request('POST', '/v1/webhooks', {
      key,
      body: { name: 'traced', url: `${receiver.url}/traced?token=secret-query`, events: ['trace.exported'] },
    });
    expect(subscription.status).toBe(201);
    const publisherSpan = publisherContext();
    const published = await api.request('POST', '/v1/events', {
      key,
      body: { event_type: 'trace.exported', data: { secret: 'body' } },
      headers: { traceparent: publisherSpan.traceparent },
    });
    const eventId = published.body.event_id as string;
    const [request] = await waitFor(() => receiver.requests.length >= 1 && receiver.requests, { what: 'the delivery' });

    const spans = await spansOf(publisherSpan.traceId, 3);
    const intake = one(spans, 'POST /v1/events');
    const fanOut = one(spans, 'fan-out');
    const attempt = one(spans, 'POST');
    expect(intake).toMatchObject({ service: 'hookline-api', kind: 2, parentSpanId: publisherSpan.spanId });
    expect(intake.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/v1/events',
      'http.response.status_code': 202,
      'hookline.event_id': eventId,
    });
    expect(fanOut).toMatchObject({ service: 'hookline-worker', kind: 5, parentSpanId: intake.spanId });
    expect(fanOut.attributes).toMatchObject({ 'hookline.event_id': eventId, 'hookline.deliveries.created': 1 });
    expect(attempt).toMatchObject({ service: 'hookline-worker', kind: 3, parentSpanId: intake.spanId });
    const deliveryId = (await api.request('GET', `/v1/events/${eventId}`, { key })).body.deliveries[0].log_id;
    expect(attempt.attributes).toEqual({
      'http.request.method': 'POST',
      'http.response.status_code': 200,
      'server.address': '127.0.0.1',
      'hookline.event_id': eventId,
      'hookline.delivery_id': deliveryId,
      'hookline.subscription_id': subscription.body.id,
      'hookline.attempt': 1,
    });
    // Never the query string, headers or body.
    expect(JSON.stringify(spans)).not.toMatch(/secret-query|secret|whsec_/);
    const sent = parts(request.headers.traceparent);
    expect(sent).toEqual({ traceId: publisherSpan.traceId, spanId: attempt.spanId, flags: '01' });
  });
});
