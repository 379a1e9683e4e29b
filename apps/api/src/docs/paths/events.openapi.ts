import { CHANNEL_PATTERN, EVENT_TYPE_PATTERN } from '@app/domain/event-matching';
import { DELIVERY_STATUSES } from '../../logs/log.dto';
import { anyObject, arrayOf, dateTime, integer, jsonBody, jsonResponse, object, operation, pathParameter, queryParameter, ref, string } from '../openapi-builders';
import type { ResourceDocument } from '../resource-document';
import { BATCH_BODY_LIMIT_BYTES, MAX_BATCH_EVENTS } from '../../events/event-batch.dto';
import { SUBSCRIPTION_ID } from './subscriptions.openapi';

const TAG = 'Events';
const EVENT_ID = 'evt_01JZ8QC4D5E6F7G8H9J0K1M2NP';
const CALL_ID = 'call_7f3a9c';

const eventType = string('Event type: up to 255 characters of [A-Za-z0-9_.:-].', { pattern: EVENT_TYPE_PATTERN.source, minLength: 1, maxLength: 255 });
const channel = string('Channel the event is published on (e.g. `worker:w_123`): up to 128 characters of [A-Za-z0-9_.:-].', {
  pattern: CHANNEL_PATTERN.source,
});
const workflowId = string('Workflow the event belongs to; sent in the envelope as `workflow_id`.', { minLength: 1, maxLength: 255 });
const callId = string("Correlation id of the producer's operation; sent in the envelope, or in `X-Webhook-Call-Id` with the data format.", {
  minLength: 1,
  maxLength: 255,
});

const eventExample = {
  event_id: EVENT_ID,
  event_type: 'order.paid',
  data: { order_id: 'ord_1042', amount: 4900, currency: 'EUR' },
  workflow_id: 'wf_checkout',
  call_id: CALL_ID,
  created_at: '2025-07-01T09:31:00.000Z',
  deliveries: [{ log_id: 'dlv_01JZ8QD5E6F7G8H9J0K1M2N3PQ', webhook_id: SUBSCRIPTION_ID, status: 'delivered', attempts: 1 }],
};

export const eventsDocument: ResourceDocument = {
  tag: { name: TAG, description: 'Publish events; the worker fans each out to the matching subscriptions and channel webhook.' },
  schemas: {
    EventCreate: object(
      {
        event_type: eventType,
        data: anyObject('The event payload: a JSON object. Validated against the JSON Schema of its type when the catalog has one.'),
        workflow_id: workflowId,
        idempotency_key: string('Within 24 h the same key (per organization) answers the first event and creates no new deliveries.', {
          minLength: 1,
          maxLength: 255,
        }),
        channel,
        call_id: callId,
      },
      { optional: ['workflow_id', 'idempotency_key', 'channel', 'call_id'], description: 'The request body is at most 256 KiB.' },
    ),
    EventBatch: object(
      { events: arrayOf(ref('EventCreate'), `1 to ${MAX_BATCH_EVENTS} events, each shaped like the body of POST /v1/events.`, { minItems: 1, maxItems: MAX_BATCH_EVENTS }) },
      { description: `The request body is at most ${BATCH_BODY_LIMIT_BYTES / 1024 / 1024} MiB; each event at most 256 KiB as serialized JSON.` },
    ),
    EventBatchResult: {
      oneOf: [ref('EventAccepted'), ref('Error')],
      description: 'For an accepted event, what POST /v1/events answers; for a rejected one, the error POST /v1/events would answer for it alone.',
    },
    EventBatchAccepted: object({
      results: arrayOf(ref('EventBatchResult'), 'One per event, in request order.'),
      accepted: integer('Events accepted (repeats of an idempotency key included).', { minimum: 0 }),
      rejected: integer('Events rejected.', { minimum: 0 }),
    }),
    EventAccepted: object({ event_id: string('Event id (the `webhook-id` of its deliveries).'), event_type: string('Event type.'), created_at: dateTime('When it was accepted.') }),
    Event: object(
      {
        event_id: string('Event id.'),
        event_type: string('Event type.'),
        data: anyObject('The event payload.'),
        workflow_id: string('Present when the event has one.'),
        channel: string('Present when the event has one.'),
        call_id: string('Present when the event has one.'),
        status: string('Present only for events published over Redis that failed validation.', { enum: ['rejected'] }),
        reject_reason: string('Why such an event was rejected.'),
        created_at: dateTime('When it was accepted.'),
        deliveries: arrayOf(
          object({
            log_id: string('Log id (GET /v1/webhooks/logs/{log_id}).'),
            webhook_id: string('The subscription or channel webhook.'),
            status: string('Delivery status.', { enum: [...DELIVERY_STATUSES] }),
            attempts: integer('HTTP attempts made so far.', { minimum: 0 }),
          }),
          'One per matching webhook; empty until the worker has fanned the event out.',
        ),
      },
      { optional: ['workflow_id', 'channel', 'call_id', 'status', 'reject_reason'] },
    ),
    EventList: object({ events: arrayOf(ref('Event'), 'Matching events, empty when none.') }),
  },
  paths: {
    '/v1/events': {
      post: operation({
        tag: TAG,
        operationId: 'publishEvent',
        summary: 'Publish an event',
        description:
          'The event is stored, then queued for fan-out. While Redis is unreachable it is still accepted (202) and enqueued once Redis is back; only a PostgreSQL outage answers 503.',
        access: 'apiKey',
        requestBody: jsonBody(ref('EventCreate'), {
          event_type: 'order.paid',
          data: { order_id: 'ord_1042', amount: 4900, currency: 'EUR' },
          workflow_id: 'wf_checkout',
          idempotency_key: 'order-1042-paid',
          call_id: CALL_ID,
        }),
        responses: {
          202: jsonResponse('Accepted (or the first event of a repeated idempotency_key).', ref('EventAccepted'), {
            event_id: EVENT_ID,
            event_type: 'order.paid',
            created_at: '2025-07-01T09:31:00.000Z',
          }),
        },
        errors: ['ValidationFailed'],
      }),
      get: operation({
        tag: TAG,
        operationId: 'findEventsByCallId',
        summary: 'Find the events of a call id',
        description: 'Lets a producer look up what happened to one operation.',
        access: 'apiKey',
        parameters: [queryParameter('call_id', 'The correlation id the events were published with.', { type: 'string', minLength: 1, maxLength: 255 }, CALL_ID, true)],
        responses: { 200: jsonResponse('The events with that call id, each with its deliveries.', ref('EventList'), { events: [eventExample] }) },
        errors: ['ValidationFailed'],
      }),
    },
    '/v1/events/batch': {
      post: operation({
        tag: TAG,
        operationId: 'publishEventBatch',
        summary: 'Publish up to 500 events in one request',
        description:
          'Each event is validated as POST /v1/events validates its body and answered in its slot: one invalid event does not reject the others. ' +
          'Accepted events are stored with one statement and queued together; idempotency keys work per event as on POST /v1/events (a key repeated ' +
          'within the batch answers the first event). A malformed batch (no `events` array, 0 or more than 500 events, unknown fields) is a 400 and stores nothing. ' +
          'The per-key rate limit counts the request once.',
        access: 'apiKey',
        requestBody: jsonBody(ref('EventBatch'), {
          events: [
            { event_type: 'order.paid', data: { order_id: 'ord_1042', amount: 4900 }, idempotency_key: 'order-1042-paid' },
            { event_type: 'invoice.issued', data: { amount: 'ten' } },
          ],
        }),
        responses: {
          202: jsonResponse('The result of each event, in order.', ref('EventBatchAccepted'), {
            results: [
              { event_id: EVENT_ID, event_type: 'order.paid', created_at: '2025-07-01T09:31:00.000Z' },
              {
                error: 'validation_failed',
                message: 'data does not match the schema of event type "invoice.issued".',
                details: [{ field: 'data.amount', message: 'must be number' }],
              },
            ],
            accepted: 1,
            rejected: 1,
          }),
        },
        errors: ['ValidationFailed'],
      }),
    },
    '/v1/events/{id}': {
      get: operation({
        tag: TAG,
        operationId: 'getEvent',
        summary: 'Get an event with its deliveries',
        access: 'apiKey',
        parameters: [pathParameter('id', 'Event id.', EVENT_ID)],
        responses: { 200: jsonResponse('The event.', ref('Event'), eventExample) },
        errors: ['NotFound'],
      }),
    },
  },
};
