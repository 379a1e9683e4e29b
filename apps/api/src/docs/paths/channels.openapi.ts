import { CHANNEL_PATTERN } from '@app/domain/event-matching';
import { MAX_URL_LENGTH } from '@app/domain/url-policy';
import { PAYLOAD_FORMATS } from '../../subscriptions/subscription.dto';
import { arrayOf, dateTime, integer, jsonBody, jsonResponse, nullable, object, operation, pathParameter, queryParameter, ref, string } from '../openapi-builders';
import type { ResourceDocument } from '../resource-document';

const TAG = 'Channel webhooks';
const CHANNEL = 'worker:w_123';
const URL = 'https://agents.example.com/hooks/worker-123';
const TOKEN = 'whk_Q2hhbm5lbFRva2VuRXhhbXBsZTEyMzQ1Ng';

const channelParameter = pathParameter('channel', 'The channel: 1 to 128 characters of [A-Za-z0-9_.:-] (percent-encode `:` if your client needs to).', CHANNEL, {
  type: 'string',
  pattern: CHANNEL_PATTERN.source,
});

const nullableUrl = (description: string) => nullable(string(description, { format: 'uri', maxLength: MAX_URL_LENGTH }));

const executionExample = {
  id: 'att_01JZ8QG3H4J5K6M7N8P9QRSTUV',
  created_at: '2025-07-01T09:31:00.210Z',
  duration_ms: 63,
  error_message: null,
  request_status: 'success',
  response_status: 200,
  event_id: 'evt_01JZ8QC4D5E6F7G8H9J0K1M2NP',
  event_type: 'task.completed',
  url: URL,
  channel: CHANNEL,
};

export const channelsDocument: ResourceDocument = {
  tag: {
    name: TAG,
    description:
      'One webhook per channel (e.g. per worker or queue): every event published on the channel, with its token in `X-Webhook-Token` (WEBHOOK_TOKEN_HEADER) and signed with the token.',
  },
  schemas: {
    ChannelWebhook: object({
      url: nullableUrl('Where events of the channel go; null when none is set.'),
      token: nullable(string('Sent with each delivery and used as its signing secret; null when no webhook is set.')),
    }),
    ChannelWebhookUpdate: object(
      {
        url: nullableUrl('The URL to set (same rules as a subscription URL); null clears the webhook and its token.'),
        target: nullableUrl('Alternative name for `url` (Human Lambdas); send one of the two.'),
        payload_format: string('`envelope` (default) or `data` (the event data alone).', { enum: [...PAYLOAD_FORMATS] }),
      },
      { optional: ['url', 'target', 'payload_format'], description: 'Exactly one of `url` and `target`.' },
    ),
    ChannelExecution: object({
      id: string('Attempt id.'),
      created_at: dateTime('Start of the attempt.'),
      duration_ms: integer('Duration in milliseconds.', { minimum: 0 }),
      error_message: nullable(string('What went wrong; null on success.')),
      request_status: string('`success` for a 2xx answer, else `error`.', { enum: ['success', 'error'] }),
      response_status: nullable(integer('HTTP status; null without an answer.')),
      event_id: string('Event id.'),
      event_type: string('Event type.'),
      url: string('The URL the attempt went to.'),
      channel: string('The channel.'),
    }),
    ChannelExecutionList: object({
      logs: arrayOf(ref('ChannelExecution'), 'At most 50 attempts, newest first.'),
      page: integer('This page, from 1.', { minimum: 1 }),
      page_count: integer('Number of pages.', { minimum: 0 }),
      total_count: integer('Number of attempts.', { minimum: 0 }),
    }),
  },
  paths: {
    '/v1/channels/{channel}/webhook': {
      get: operation({
        tag: TAG,
        operationId: 'getChannelWebhook',
        summary: "Get a channel's webhook",
        access: 'apiKey',
        parameters: [channelParameter],
        responses: { 200: jsonResponse('The webhook; both fields null when none is set.', ref('ChannelWebhook'), { url: URL, token: TOKEN }) },
        errors: ['ValidationFailed'],
      }),
      put: operation({
        tag: TAG,
        operationId: 'setChannelWebhook',
        summary: "Set or replace a channel's webhook URL",
        description: 'The token is generated the first time a URL is set and kept by later updates. `{"url": null}` clears URL and token.',
        access: 'apiKey',
        parameters: [channelParameter],
        requestBody: jsonBody(ref('ChannelWebhookUpdate'), { url: URL, payload_format: 'data' }),
        responses: { 200: jsonResponse('The webhook.', ref('ChannelWebhook'), { url: URL, token: TOKEN }) },
      }),
      delete: operation({
        tag: TAG,
        operationId: 'deleteChannelWebhook',
        summary: "Remove a channel's webhook",
        description: 'No further deliveries; answers the same when none was set.',
        access: 'apiKey',
        parameters: [channelParameter],
        responses: { 200: jsonResponse('Removed.', ref('ChannelWebhook'), { url: null, token: null }) },
        errors: ['ValidationFailed'],
      }),
    },
    '/v1/channels/{channel}/webhook/regenerate-token': {
      post: operation({
        tag: TAG,
        operationId: 'regenerateChannelWebhookToken',
        summary: 'Replace the token',
        description: 'The old token is not sent again, retries included; the URL is kept.',
        access: 'apiKey',
        parameters: [channelParameter],
        responses: { 200: jsonResponse('The webhook with its new token.', ref('ChannelWebhook'), { url: URL, token: 'whk_TmV3VG9rZW5BZnRlclJlZ2VuZXJhdGlvbjk4' }) },
        errors: ['ValidationFailed', 'NotFound'],
      }),
    },
    '/v1/channels/{channel}/webhook/executions': {
      get: operation({
        tag: TAG,
        operationId: 'listChannelWebhookExecutions',
        summary: "List the channel webhook's HTTP attempts",
        description: 'Newest first, 50 per page, attempts of earlier webhooks of the channel included; an empty page when the channel has none.',
        access: 'apiKey',
        parameters: [channelParameter, queryParameter('page', 'Page number, from 1 (default 1).', { type: 'integer', minimum: 1, maximum: 999_999_999 }, 1)],
        responses: {
          200: jsonResponse('A page of attempts.', ref('ChannelExecutionList'), { logs: [executionExample], page: 1, page_count: 1, total_count: 1 }),
        },
        errors: ['ValidationFailed'],
      }),
    },
  },
};
