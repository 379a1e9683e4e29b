import { HooklinePublisher } from '@app/queue';
import { testConfig } from './support/config';
import { waitFor } from './support/poll';
import { useStack } from './support/stack';

const paymentSchema = {
  type: 'object',
  properties: { amount: { type: 'number', minimum: 0 }, currency: { enum: ['EUR', 'USD'] } },
  required: ['amount', 'currency'],
};

/** Events whose type has a schema in the catalog are validated at intake, over HTTP and over Redis. */
describe('Event-type schemas at intake', () => {
  const config = testConfig();
  const stack = useStack({ config, orgName: 'Schemas at intake' });
  let publisher: HooklinePublisher;

  const storedEvent = (id: string) => stack.prisma.event.findUnique({ where: { id } });

  beforeAll(async () => {
    publisher = stack.publisher();
    const typed = await stack.api.request('POST', '/v1/event-types', { key: stack.org.api_key, body: { name: 'payment.received', schema: paymentSchema } });
    expect(typed.status).toBe(201);
    await stack.createSubscription({ name: 'payments', url: `${stack.receiver.url}/payments`, events: ['payment.*'] });
  });

  describe('over HTTP (POST /v1/events)', () => {
    const post = (body: unknown) => stack.api.request('POST', '/v1/events', { key: stack.org.api_key, body });

    it('answers 400 with the validator details and stores nothing', async () => {
      const before = await stack.prisma.event.count({ where: { organizationId: stack.org.id } });
      const response = await post({ event_type: 'payment.received', data: { amount: 'ten', currency: 'GBP' } });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        error: 'validation_failed',
        message: 'data does not match the schema of event type "payment.received".',
        details: expect.arrayContaining([
          expect.objectContaining({ field: '/amount', message: 'must be number', keyword: 'type' }),
          expect.objectContaining({ field: '/currency', message: 'must be equal to one of the allowed values', keyword: 'enum' }),
        ]),
      });
      const missing = await post({ event_type: 'payment.received', data: {} });
      expect(missing.status).toBe(400);
      expect(missing.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: '/amount', keyword: 'required' })]));
      expect(await stack.prisma.event.count({ where: { organizationId: stack.org.id } })).toBe(before);
    });

    it('accepts conforming data with 202 and delivers it', async () => {
      const response = await post({ event_type: 'payment.received', data: { amount: 10, currency: 'USD' } });
      expect(response.status).toBe(202);
      const eventId: string = response.body.event_id;
      expect(eventId).toMatch(/^evt_/);
      await waitFor(() => stack.receiver.requests.find((request) => request.body.includes(eventId)), { what: 'the delivery' });
    });

    it('accepts any data for a type the catalog does not know, and for a type without schema', async () => {
      expect((await post({ event_type: 'not.in.catalog', data: { whatever: true } })).status).toBe(202);
      await stack.api.request('POST', '/v1/event-types', { key: stack.org.api_key, body: { name: 'payment.refunded' } });
      expect((await post({ event_type: 'payment.refunded', data: { whatever: true } })).status).toBe(202);
    });

    it('applies a schema change at once, and stops validating once the schema is removed', async () => {
      await stack.api.request('POST', '/v1/event-types', { key: stack.org.api_key, body: { name: 'payment.disputed' } });
      expect((await post({ event_type: 'payment.disputed', data: {} })).status).toBe(202);
      await stack.api.request('PATCH', '/v1/event-types/payment.disputed', {
        key: stack.org.api_key,
        body: { schema: { type: 'object', required: ['reason'] } },
      });
      expect((await post({ event_type: 'payment.disputed', data: {} })).status).toBe(400);
      expect((await post({ event_type: 'payment.disputed', data: { reason: 'fraud' } })).status).toBe(202);
      await stack.api.request('PATCH', '/v1/event-types/payment.disputed', { key: stack.org.api_key, body: { schema: null } });
      expect((await post({ event_type: 'payment.disputed', data: {} })).status).toBe(202);
    });

    it("does not apply one organization's schema to another's events", async () => {
      const other = await stack.api.createOrg('Schemas at intake, other');
      const response = await stack.api.request('POST', '/v1/events', { key: other.api_key, body: { event_type: 'payment.received', data: { amount: 'ten' } } });
      expect(response.status).toBe(202);
    });
  });

  describe('over Redis (HooklinePublisher)', () => {
    it('records an event that breaks its schema as rejected, with the violations as reason, and delivers nothing', async () => {
      const { event_id } = await publisher.publish({ organization_id: stack.org.id, event_type: 'payment.received', data: { amount: -5 } });
      const event = await waitFor(() => storedEvent(event_id), { what: 'the rejected event row' });
      expect(event).toMatchObject({ status: 'rejected', organizationId: stack.org.id, eventType: 'payment.received', data: { amount: -5 } });
      expect(event.rejectReason).toContain('data does not match the schema of event type "payment.received"');
      expect(event.rejectReason).toContain('/amount must be >= 0');
      expect(event.rejectReason).toContain('/currency');
      expect(await stack.prisma.delivery.count({ where: { eventId: event_id } })).toBe(0);
    });

    it('accepts and delivers an event that conforms', async () => {
      const { event_id } = await publisher.publish({ organization_id: stack.org.id, event_type: 'payment.received', data: { amount: 5, currency: 'EUR' } });
      const event = await waitFor(() => storedEvent(event_id), { what: 'the accepted event row' });
      expect(event).toMatchObject({ status: 'accepted', rejectReason: null });
      await waitFor(() => stack.receiver.requests.find((request) => request.body.includes(event_id)), { what: 'the delivery' });
    });

    it('accepts any data for a type the catalog does not know', async () => {
      const { event_id } = await publisher.publish({ organization_id: stack.org.id, event_type: 'untyped.event', data: { anything: ['goes'] } });
      await waitFor(async () => (await storedEvent(event_id))?.status === 'accepted', { what: 'the untyped event to be accepted' });
    });
  });
});
