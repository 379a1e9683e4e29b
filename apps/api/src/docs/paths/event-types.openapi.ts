import { EVENT_TYPE_PATTERN } from '@app/domain/event-matching';
import { anyObject, arrayOf, dateTime, integer, jsonBody, jsonResponse, noContent, nullable, object, operation, pathParameter, ref, string } from '../openapi-builders';
import type { ResourceDocument } from '../resource-document';

const TAG = 'Event types';

const nameSchema = string('Type name: up to 255 characters of [A-Za-z0-9_.:-] (no wildcards).', { pattern: EVENT_TYPE_PATTERN.source, maxLength: 255 });
const description = nullable(string('What the event means; null clears it.', { maxLength: 1000 }));
const schema = nullable(anyObject('A JSON Schema for the `data` of events of this type (checked at intake: 400 with the violations); null removes it.'));

const orderPaidSchema = {
  type: 'object',
  required: ['order_id', 'amount'],
  properties: { order_id: { type: 'string' }, amount: { type: 'integer', minimum: 0 }, currency: { type: 'string' } },
};
const eventTypeExample = {
  name: 'order.paid',
  description: 'An order was paid in full.',
  schema: orderPaidSchema,
  created_at: '2025-07-01T09:00:00.000Z',
  updated_at: '2025-07-01T09:00:00.000Z',
};

const nameParameter = pathParameter('name', 'Type name (dots and colons allowed).', 'order.paid');

export const eventTypesDocument: ResourceDocument = {
  tag: {
    name: TAG,
    description:
      "The organization's catalog of event types. Once it has any, subscriptions' `events` must each name a registered type or be a wildcard matching one. Publishing unregistered types stays allowed.",
  },
  schemas: {
    EventType: object({
      name: string('Type name.'),
      description: nullable(string('What the event means.')),
      schema: nullable(anyObject('JSON Schema for `data`, or null.')),
      created_at: dateTime('Creation time.'),
      updated_at: dateTime('Last change.'),
    }),
    EventTypeCreate: object({ name: nameSchema, description, schema }, { optional: ['description', 'schema'] }),
    EventTypeUpdate: object({ description, schema }, { optional: ['description', 'schema'], description: 'Fields left out are kept.' }),
    EventTypeList: object({ event_types: arrayOf(ref('EventType')), total: integer('Number of types.', { minimum: 0 }) }),
  },
  paths: {
    '/v1/event-types': {
      post: operation({
        tag: TAG,
        operationId: 'createEventType',
        summary: 'Register an event type',
        access: 'apiKey',
        requestBody: jsonBody(ref('EventTypeCreate'), { name: 'order.paid', description: 'An order was paid in full.', schema: orderPaidSchema }),
        responses: { 201: jsonResponse('Registered.', ref('EventType'), eventTypeExample) },
        errors: ['ValidationFailed', 'Conflict'],
      }),
      get: operation({
        tag: TAG,
        operationId: 'listEventTypes',
        summary: 'List event types',
        access: 'apiKey',
        responses: { 200: jsonResponse('The catalog.', ref('EventTypeList'), { event_types: [eventTypeExample], total: 1 }) },
      }),
    },
    '/v1/event-types/{name}': {
      get: operation({
        tag: TAG,
        operationId: 'getEventType',
        summary: 'Get an event type',
        access: 'apiKey',
        parameters: [nameParameter],
        responses: { 200: jsonResponse('The event type.', ref('EventType'), eventTypeExample) },
        errors: ['NotFound'],
      }),
      patch: operation({
        tag: TAG,
        operationId: 'updateEventType',
        summary: "Change an event type's description or schema",
        access: 'apiKey',
        parameters: [nameParameter],
        requestBody: jsonBody(ref('EventTypeUpdate'), { description: 'An order was paid (partial payments excluded).' }),
        responses: {
          200: jsonResponse('The updated event type.', ref('EventType'), {
            ...eventTypeExample,
            description: 'An order was paid (partial payments excluded).',
            updated_at: '2025-07-02T08:00:00.000Z',
          }),
        },
        errors: ['NotFound'],
      }),
      delete: operation({
        tag: TAG,
        operationId: 'deleteEventType',
        summary: 'Remove an event type from the catalog',
        access: 'apiKey',
        parameters: [nameParameter],
        responses: { 204: noContent('Removed.') },
        errors: ['NotFound'],
      }),
    },
  },
};
