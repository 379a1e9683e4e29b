import type { SchemaObject } from '@nestjs/swagger';
import { CHANNEL_PATTERN, EVENT_FILTER_PATTERN } from '@app/domain/event-matching';
import { MAX_URL_LENGTH } from '@app/domain/url-policy';
import { DEFAULT_GRACE_SECONDS, MAX_GRACE_SECONDS, PAYLOAD_FORMATS } from '../../subscriptions/subscription.dto';
import {
  arrayOf,
  boolean,
  dateTime,
  integer,
  jsonBody,
  jsonResponse,
  noContent,
  nullable,
  object,
  operation,
  pathParameter,
  ref,
  string,
  stringMap,
} from '../openapi-builders';
import type { ResourceDocument } from '../resource-document';

const TAG = 'Subscriptions';
export const SUBSCRIPTION_ID = 'sub_01JZ8QA1B2C3D4E5F6G7H8J9KM';
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

const subscriptionIdParameter = pathParameter('id', 'Subscription id.', SUBSCRIPTION_ID);

const fields = {
  name: string('Display name.', { minLength: 1, maxLength: 255 }),
  url: string('Target URL: https (http only when ALLOW_HTTP_URLS=true); loopback, private and link-local targets are refused unless ALLOW_PRIVATE_URLS=true.', {
    format: 'uri',
    maxLength: MAX_URL_LENGTH,
  }),
  events: arrayOf(
    string('An event type, `*` (every type) or `prefix.*` (every type starting with `prefix.`).', { pattern: EVENT_FILTER_PATTERN.source, maxLength: 255 }),
    'Event types this subscription receives. Once the organization has an event-type catalog, each must name a registered type or be a wildcard matching one.',
    { minItems: 1, maxItems: 100 },
  ),
  channels: arrayOf(
    string('A channel.', { pattern: CHANNEL_PATTERN.source }),
    'When not empty, only events on one of these channels are delivered (and they must still match `events`).',
    { maxItems: 100 },
  ),
  headers: stringMap(
    'Extra request headers sent with every delivery. Not allowed: Host, Content-Length, Content-Type, `webhook-*` and `X-Webhook-*` names, CR/LF in names or values.',
  ),
  isActive: boolean('Inactive subscriptions receive nothing. Set false by a 410 answer or auto-disable; PATCH true re-enables and clears disabled_reason.'),
  payloadFormat: string('`envelope` posts `{event_id, event_type, organization_id, timestamp, data, ...}`; `data` posts the event data alone.', {
    enum: [...PAYLOAD_FORMATS],
  }),
  secret: string('Signing secret; `whsec_` followed by base64, or any other text (used as UTF-8 bytes).', { minLength: 1, maxLength: 255 }),
};

const subscriptionProperties = {
  id: string('Subscription id.'),
  name: fields.name,
  url: fields.url,
  events: fields.events,
  channels: fields.channels,
  headers: fields.headers,
  is_active: fields.isActive,
  max_attempts: integer('Delivery attempts before a log is marked failed (the subscription keeps RETRY_MAX_ATTEMPTS when it sets none).', {
    minimum: 1,
    maximum: 20,
  }),
  payload_format: fields.payloadFormat,
  rate_limit_per_second: nullable(integer('Deliveries per second at most; excess deliveries are delayed, never dropped. null: no limit.', { minimum: 1 })),
  disabled_reason: nullable(string('Why Hookline deactivated the subscription (410 Gone, or failing for DISABLE_AFTER_HOURS); null otherwise.')),
  created_at: dateTime('Creation time.'),
  updated_at: dateTime('Last change.'),
};

const secretProperty = { secret: string('The signing secret.') };

const subscriptionExample = {
  id: SUBSCRIPTION_ID,
  name: 'Order events to billing',
  url: 'https://billing.example.com/hooks/hookline',
  events: ['order.paid', 'workflow.*'],
  channels: [],
  headers: { 'X-Source': 'hookline' },
  is_active: true,
  max_attempts: 10,
  payload_format: 'envelope',
  rate_limit_per_second: null,
  disabled_reason: null,
  created_at: '2025-07-01T09:30:00.000Z',
  updated_at: '2025-07-01T09:30:00.000Z',
};

/** Create and PATCH share the field rules; PATCH makes each optional and lets two of them be reset with null. */
const writableFields = (resettable: boolean): Record<string, SchemaObject> => ({
  name: fields.name,
  url: fields.url,
  events: fields.events,
  secret: { ...fields.secret, description: `${fields.secret.description} Generated (whsec_ + 24 random bytes) when left out on create.` },
  headers: fields.headers,
  is_active: fields.isActive,
  max_attempts: nullable(integer('1..20; null or left out: RETRY_MAX_ATTEMPTS.', { minimum: 1, maximum: 20 })),
  channels: fields.channels,
  payload_format: fields.payloadFormat,
  rate_limit_per_second: nullable(
    integer(resettable ? 'Deliveries per second at most; null removes the limit.' : 'Deliveries per second at most; null or left out: no limit.', {
      minimum: 1,
      maximum: 10_000,
    }),
  ),
});

export const subscriptionsDocument: ResourceDocument = {
  tag: { name: TAG, description: 'Webhook subscriptions of the organization: where events go, signed with the subscription secret.' },
  schemas: {
    Subscription: object(subscriptionProperties),
    SubscriptionWithSecret: object({ ...subscriptionProperties, ...secretProperty }, { description: 'A subscription as created: the only answer that carries its secret.' }),
    SubscriptionCreate: object(writableFields(false), {
      optional: ['secret', 'headers', 'is_active', 'max_attempts', 'channels', 'payload_format', 'rate_limit_per_second'],
    }),
    SubscriptionUpdate: object(writableFields(true), { optional: Object.keys(writableFields(true)), description: 'Any subset of the fields.' }),
    SubscriptionList: object({ subscriptions: arrayOf(ref('Subscription')), total: integer('Number of subscriptions.') }),
    SubscriptionSecret: object(secretProperty),
    SecretRotate: object(
      {
        secret: { ...fields.secret, description: `${fields.secret.description} Generated when left out.` },
        grace_seconds: integer(`How long the previous secret keeps signing too (default ${DEFAULT_GRACE_SECONDS}, 24 h).`, {
          minimum: 0,
          maximum: MAX_GRACE_SECONDS,
        }),
      },
      { optional: ['secret', 'grace_seconds'], description: 'Both fields are optional; the body may be left out.' },
    ),
    SecretRotated: object({
      secret: string('The new secret.'),
      previous_secret_expires_at: dateTime(
        'Until then `webhook-signature` carries a signature with each secret, space-separated; `X-Webhook-Signature` uses the new one.',
      ),
    }),
    Recover: object(
      {
        since: dateTime('Start of the window (inclusive): deliveries created at or after it.'),
        until: dateTime('End of the window (inclusive); default now. At most 14 days after since.'),
      },
      { optional: ['until'] },
    ),
    Recovered: object({ recovered: integer('Failed deliveries put back to pending and queued.', { minimum: 0 }) }),
    TestWebhookSent: object({
      message: string('Always "Test webhook sent successfully".'),
      event_id: string('The `webhook.test` event, delivered to this subscription only; visible in its logs.'),
    }),
  },
  paths: {
    '/v1/webhooks': {
      post: operation({
        tag: TAG,
        operationId: 'createSubscription',
        summary: 'Create a subscription',
        access: 'apiKey',
        requestBody: jsonBody(ref('SubscriptionCreate'), {
          name: 'Order events to billing',
          url: 'https://billing.example.com/hooks/hookline',
          events: ['order.paid', 'workflow.*'],
          headers: { 'X-Source': 'hookline' },
          max_attempts: 10,
        }),
        responses: { 201: jsonResponse('Created; the only answer besides GET .../secret that shows the secret.', ref('SubscriptionWithSecret'), { ...subscriptionExample, secret: SECRET }) },
        errors: ['ValidationFailed'],
      }),
      get: operation({
        tag: TAG,
        operationId: 'listSubscriptions',
        summary: 'List subscriptions',
        description: 'Channel webhooks are not listed here (see /v1/channels).',
        access: 'apiKey',
        responses: { 200: jsonResponse('The subscriptions.', ref('SubscriptionList'), { subscriptions: [subscriptionExample], total: 1 }) },
      }),
    },
    '/v1/webhooks/{id}': {
      get: operation({
        tag: TAG,
        operationId: 'getSubscription',
        summary: 'Get a subscription',
        access: 'apiKey',
        parameters: [subscriptionIdParameter],
        responses: { 200: jsonResponse('The subscription.', ref('Subscription'), subscriptionExample) },
        errors: ['NotFound'],
      }),
      patch: operation({
        tag: TAG,
        operationId: 'updateSubscription',
        summary: 'Update a subscription',
        access: 'apiKey',
        parameters: [subscriptionIdParameter],
        requestBody: jsonBody(ref('SubscriptionUpdate'), { is_active: true, events: ['order.*'] }),
        responses: {
          200: jsonResponse('The updated subscription.', ref('Subscription'), {
            ...subscriptionExample,
            events: ['order.*'],
            updated_at: '2025-07-02T08:00:00.000Z',
          }),
        },
        errors: ['ValidationFailed', 'NotFound'],
      }),
      delete: operation({
        tag: TAG,
        operationId: 'deleteSubscription',
        summary: 'Delete a subscription',
        description: 'Its pending deliveries are cancelled; its logs stay readable through /v1/webhooks/logs/all.',
        access: 'apiKey',
        parameters: [subscriptionIdParameter],
        responses: { 204: noContent('Deleted.') },
        errors: ['NotFound'],
      }),
    },
    '/v1/webhooks/{id}/secret': {
      get: operation({
        tag: TAG,
        operationId: 'getSubscriptionSecret',
        summary: 'Get the signing secret',
        access: 'apiKey',
        parameters: [subscriptionIdParameter],
        responses: { 200: jsonResponse('The current secret.', ref('SubscriptionSecret'), { secret: SECRET }) },
        errors: ['NotFound'],
      }),
    },
    '/v1/webhooks/{id}/secret/rotate': {
      post: operation({
        tag: TAG,
        operationId: 'rotateSubscriptionSecret',
        summary: 'Rotate the signing secret',
        description: 'Deliveries during the grace period carry both signatures in `webhook-signature`, so receivers can switch without dropping any.',
        access: 'apiKey',
        parameters: [subscriptionIdParameter],
        requestBody: { ...jsonBody(ref('SecretRotate'), { grace_seconds: 3600 }), required: false },
        responses: {
          200: jsonResponse('The new secret and when the previous one stops signing.', ref('SecretRotated'), {
            secret: 'whsec_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0',
            previous_secret_expires_at: '2025-07-01T10:30:00.000Z',
          }),
        },
        errors: ['ValidationFailed', 'NotFound'],
      }),
    },
    '/v1/webhooks/{id}/recover': {
      post: operation({
        tag: TAG,
        operationId: 'recoverSubscriptionDeliveries',
        summary: 'Replay the failed deliveries of a time window',
        description:
          'Every failed delivery of this subscription created within [since, until] goes back to pending and is attempted again at once (attempts are appended, as for a manual retry). For after an outage of the endpoint.',
        access: 'apiKey',
        parameters: [subscriptionIdParameter],
        requestBody: jsonBody(ref('Recover'), { since: '2025-07-01T00:00:00Z', until: '2025-07-01T12:00:00Z' }),
        responses: {
          202: jsonResponse('Queued.', ref('Recovered'), { recovered: 42 }),
          409: jsonResponse('The subscription is inactive: re-enable it first.', ref('Error'), {
            error: 'conflict',
            message: 'The webhook is inactive; re-enable it (PATCH is_active: true) before recovering its deliveries.',
          }),
        },
        errors: ['NotFound'],
      }),
    },
    '/v1/webhooks/{id}/test': {
      post: operation({
        tag: TAG,
        operationId: 'sendTestWebhook',
        summary: 'Send a test event to this subscription',
        description: 'An event of type `webhook.test`, delivered to this subscription only whatever its filter.',
        access: 'apiKey',
        parameters: [subscriptionIdParameter],
        responses: {
          202: jsonResponse('Accepted for delivery.', ref('TestWebhookSent'), {
            message: 'Test webhook sent successfully',
            event_id: 'evt_01JZ8QC4D5E6F7G8H9J0K1M2NP',
          }),
        },
        errors: ['NotFound'],
      }),
    },
  },
};
