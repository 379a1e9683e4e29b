import type { ParameterObject } from '@nestjs/swagger';
import { EVENT_TYPE_PATTERN } from '@app/domain/event-matching';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from '../../common/paging.dto';
import { DELIVERY_STATUSES } from '../../logs/log.dto';
import { arrayOf, dateTime, integer, jsonResponse, nullable, object, operation, pathParameter, queryParameter, ref, string } from '../openapi-builders';
import type { ResourceDocument } from '../resource-document';
import { SUBSCRIPTION_ID } from './subscriptions.openapi';

const TAG = 'Delivery logs';
const LOG_ID = 'dlv_01JZ8QD5E6F7G8H9J0K1M2N3PQ';

const logIdParameter = pathParameter('log_id', 'Log (delivery) id.', LOG_ID);

const pagingParameters: ParameterObject[] = [
  queryParameter(
    'limit',
    `Page size: default ${DEFAULT_PAGE_LIMIT}, values above ${MAX_PAGE_LIMIT} are clamped to ${MAX_PAGE_LIMIT}; a negative or non-numeric value is a 400.`,
    { type: 'integer', minimum: 0 },
    20,
  ),
  queryParameter('offset', 'Logs to skip (newest first); a negative or non-numeric value is a 400.', { type: 'integer', minimum: 0 }, 0),
];
const filterParameters: ParameterObject[] = [
  queryParameter('event_type', 'Only logs of this event type.', { type: 'string', pattern: EVENT_TYPE_PATTERN.source, maxLength: 255 }, 'order.paid'),
  queryParameter('status', 'Only logs in this status.', { type: 'string', enum: [...DELIVERY_STATUSES] }, 'failed'),
];

const logProperties = {
  id: string('Log id (one per event × webhook).'),
  webhook_id: string('The subscription or channel webhook delivered to.'),
  webhook_type: string('`subscription` or `channel`.', { enum: ['subscription', 'channel'] }),
  event_type: string('Event type.'),
  event_id: string('Event id.'),
  target_url: string("The webhook's URL."),
  status: string('Delivery status.', { enum: [...DELIVERY_STATUSES] }),
  attempts: integer('HTTP attempts made so far.', { minimum: 0 }),
  response_status: nullable(integer('HTTP status of the last attempt; null without an answer.')),
  error_message: nullable(string('Why the last attempt failed; null when it did not.')),
  created_at: dateTime('When the delivery was created (fan-out).'),
  last_attempt_at: nullable(dateTime('Start of the last attempt.')),
  next_attempt_at: nullable(dateTime('When the next attempt is due; null when none is scheduled.')),
};

const attemptSchema = object({
  id: string('Attempt id.'),
  attempt: integer('Attempt number, from 1 (the X-Webhook-Attempt header sent).', { minimum: 1 }),
  started_at: dateTime('Start of the attempt.'),
  duration_ms: integer('Duration in milliseconds.', { minimum: 0 }),
  request_status: string('`success` for a 2xx answer, else `error`.', { enum: ['success', 'error'] }),
  response_status: nullable(integer('HTTP status; null without an answer (timeout, network error, blocked target).')),
  error_message: nullable(string('What went wrong; null on success.')),
  response_body: nullable(string('The start of the response body (at most 4 KiB).')),
});

export const logExample = {
  id: LOG_ID,
  webhook_id: SUBSCRIPTION_ID,
  webhook_type: 'subscription',
  event_type: 'order.paid',
  event_id: 'evt_01JZ8QC4D5E6F7G8H9J0K1M2NP',
  target_url: 'https://billing.example.com/hooks/hookline',
  status: 'retrying',
  attempts: 2,
  response_status: 500,
  error_message: 'HTTP 500',
  created_at: '2025-07-01T09:31:00.000Z',
  last_attempt_at: '2025-07-01T09:31:30.120Z',
  next_attempt_at: '2025-07-01T09:33:00.000Z',
};

const attemptExamples = [
  {
    id: 'att_01JZ8QE1F2G3H4J5K6M7N8P9QR',
    attempt: 1,
    started_at: '2025-07-01T09:31:00.210Z',
    duration_ms: 84,
    request_status: 'error',
    response_status: 500,
    error_message: 'HTTP 500',
    response_body: '{"error":"database locked"}',
  },
  {
    id: 'att_01JZ8QF2G3H4J5K6M7N8P9QRST',
    attempt: 2,
    started_at: '2025-07-01T09:31:30.120Z',
    duration_ms: 77,
    request_status: 'error',
    response_status: 500,
    error_message: 'HTTP 500',
    response_body: '{"error":"database locked"}',
  },
];

export const logsDocument: ResourceDocument = {
  tag: { name: TAG, description: 'One log per event × webhook, with its HTTP attempts; newest first.' },
  schemas: {
    Log: object(logProperties),
    LogDetail: object({ ...logProperties, attempts_detail: arrayOf(ref('Attempt'), 'Every HTTP attempt, oldest first.') }),
    Attempt: attemptSchema,
    LogList: object({ logs: arrayOf(ref('Log')), total: integer('Logs matching the filters (all pages).', { minimum: 0 }) }),
  },
  paths: {
    '/v1/webhooks/logs/all': {
      get: operation({
        tag: TAG,
        operationId: 'listLogs',
        summary: "List the organization's delivery logs",
        description: 'Subscriptions and channel webhooks alike, deleted subscriptions included.',
        access: 'apiKey',
        parameters: [...filterParameters, ...pagingParameters],
        responses: { 200: jsonResponse('A page of logs, newest first.', ref('LogList'), { logs: [logExample], total: 1 }) },
        errors: ['ValidationFailed'],
      }),
    },
    '/v1/webhooks/logs/{log_id}': {
      get: operation({
        tag: TAG,
        operationId: 'getLog',
        summary: 'Get a log with its attempts',
        access: 'apiKey',
        parameters: [logIdParameter],
        responses: { 200: jsonResponse('The log.', ref('LogDetail'), { ...logExample, attempts_detail: attemptExamples }) },
        errors: ['NotFound'],
      }),
    },
    '/v1/webhooks/logs/{log_id}/retry': {
      post: operation({
        tag: TAG,
        operationId: 'retryLog',
        summary: 'Deliver again now',
        description: 'New attempts are appended; the status goes back to pending. The webhook must exist and be active (409 otherwise).',
        access: 'apiKey',
        parameters: [logIdParameter],
        responses: {
          202: jsonResponse('Queued for delivery.', ref('Log'), { ...logExample, status: 'pending', next_attempt_at: '2025-07-01T10:00:00.000Z' }),
          409: {
            description: 'The webhook of this log was deleted or is inactive.',
            content: {
              'application/json': {
                schema: ref('Error'),
                example: { error: 'conflict', message: 'The webhook of this log is inactive; re-enable it (PATCH is_active: true) before retrying.' },
              },
            },
          },
        },
        errors: ['NotFound'],
      }),
    },
    '/v1/webhooks/{id}/logs': {
      get: operation({
        tag: TAG,
        operationId: 'listSubscriptionLogs',
        summary: "List one subscription's delivery logs",
        access: 'apiKey',
        parameters: [pathParameter('id', 'Subscription id.', SUBSCRIPTION_ID), ...filterParameters, ...pagingParameters],
        responses: { 200: jsonResponse('A page of logs, newest first.', ref('LogList'), { logs: [logExample], total: 1 }) },
        errors: ['ValidationFailed', 'NotFound'],
      }),
    },
  },
};
