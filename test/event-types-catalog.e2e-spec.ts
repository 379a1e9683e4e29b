import { PrismaService } from '@app/database';
import { EventTypeCatalog, schemaRejectReason } from '@app/catalog';
import { EventTypeRepository } from '@app/database/repositories/event-type.repository';
import { DomainError } from '@app/domain/errors';
import { testConfig } from './support/config';
import { useStack } from './support/stack';
import { waitFor } from './support/poll';

const amountSchema = { type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'] };

async function refusal(work: Promise<unknown>): Promise<DomainError> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

describe('EventTypeCatalog (intake and subscription checks against the real database)', () => {
  const config = testConfig();
  const stack = useStack({ workers: 0, config });
  let catalog: EventTypeCatalog;
  /** A second catalog over the same database: what another api replica or a worker sees. */
  let otherProcessCatalog: EventTypeCatalog;
  let org: { id: string; api_key: string };

  const register = async (key: string, body: Record<string, unknown>) => {
    const response = await stack.api.request('POST', '/v1/event-types', { key, body });
    expect(response.status).toBe(201);
  };

  beforeAll(async () => {
    catalog = stack.api.app.get(EventTypeCatalog);
    otherProcessCatalog = new EventTypeCatalog(new EventTypeRepository(stack.api.app.get(PrismaService)));
    org = await stack.api.createOrg('Catalog');
  });

  describe('validateEventData', () => {
    it('accepts anything for a type that is not in the catalog or has no schema', async () => {
      expect(await catalog.validateEventData(org.id, 'not.registered', { anything: true })).toBeNull();
      await register(org.api_key, { name: 'no.schema' });
      expect(await catalog.validateEventData(org.id, 'no.schema', { anything: true })).toBeNull();
    });

    it('validates data against the schema and names each violation', async () => {
      await register(org.api_key, { name: 'payment.received', schema: amountSchema });
      expect(await catalog.validateEventData(org.id, 'payment.received', { amount: 12.5 })).toBeNull();
      const details = await catalog.validateEventData(org.id, 'payment.received', { amount: 'twelve' });
      expect(details).toEqual([expect.objectContaining({ field: '/amount', message: 'must be number', keyword: 'type' })]);
      expect(schemaRejectReason('payment.received', details!)).toBe('data does not match the schema of event type "payment.received": /amount must be number');
      const error = await refusal(catalog.assertValidEventData(org.id, 'payment.received', {}));
      expect(error.code).toBe('validation_failed');
      expect(error.details).toEqual([expect.objectContaining({ field: '/amount', keyword: 'required' })]);
    });

    it("keeps organizations apart: one organization's schema does not apply to another's events", async () => {
      const other = await stack.api.createOrg('Catalog other');
      expect(await catalog.validateEventData(other.id, 'payment.received', { amount: 'twelve' })).toBeNull();
    });

    it('sees changes made through this process at once', async () => {
      await register(org.api_key, { name: 'order.shipped' });
      expect(await catalog.validateEventData(org.id, 'order.shipped', {})).toBeNull(); // now cached: no schema

      await stack.api.request('PATCH', '/v1/event-types/order.shipped', { key: org.api_key, body: { schema: { type: 'object', required: ['tracking'] } } });
      expect(await catalog.validateEventData(org.id, 'order.shipped', {})).toEqual([expect.objectContaining({ field: '/tracking' })]);

      await stack.api.request('PATCH', '/v1/event-types/order.shipped', { key: org.api_key, body: { schema: null } });
      expect(await catalog.validateEventData(org.id, 'order.shipped', {})).toBeNull();

      await stack.api.request('PATCH', '/v1/event-types/order.shipped', { key: org.api_key, body: { schema: amountSchema } });
      expect(await catalog.validateEventData(org.id, 'order.shipped', {})).not.toBeNull();
      expect((await stack.api.request('DELETE', '/v1/event-types/order.shipped', { key: org.api_key })).status).toBe(204);
      expect(await catalog.validateEventData(org.id, 'order.shipped', {})).toBeNull();
    });

    it('lets another process see a new schema once its short cache expires', async () => {
      expect(await otherProcessCatalog.validateEventData(org.id, 'invoice.issued', {})).toBeNull(); // cached: unknown type
      await register(org.api_key, { name: 'invoice.issued', schema: amountSchema });
      await waitFor(() => otherProcessCatalog.validateEventData(org.id, 'invoice.issued', {}), {
        timeoutMs: 10_000,
        what: 'the other process to see the schema',
      });
    });
  });

  describe('assertSubscribableEvents', () => {
    it('allows any filter while the organization has no catalog', async () => {
      const fresh = await stack.api.createOrg('Catalog empty');
      await expect(catalog.assertSubscribableEvents(fresh.id, ['workflow.complete', 'anything.*', '*'])).resolves.toBeUndefined();
    });

    it('once types are registered, requires registered names or wildcards matching one', async () => {
      const typed = await stack.api.createOrg('Catalog typed');
      await register(typed.api_key, { name: 'workflow.completed' });
      await register(typed.api_key, { name: 'workflow.failed' });

      await expect(catalog.assertSubscribableEvents(typed.id, ['workflow.completed', 'workflow.failed'])).resolves.toBeUndefined();
      await expect(catalog.assertSubscribableEvents(typed.id, ['workflow.*'])).resolves.toBeUndefined();
      await expect(catalog.assertSubscribableEvents(typed.id, ['*'])).resolves.toBeUndefined();

      const typo = await refusal(catalog.assertSubscribableEvents(typed.id, ['workflow.completed', 'workflow.complete', 'billing.*']));
      expect(typo.code).toBe('validation_failed');
      expect(typo.message).toContain('workflow.complete, billing.*');
      expect(typo.details).toEqual([
        { field: 'events', value: 'workflow.complete', message: '"workflow.complete" is not a registered event type (did you mean "workflow.completed"?)' },
        { field: 'events', value: 'billing.*', message: '"billing.*" matches no registered event type' },
      ]);
    });

    it('reads the catalog afresh, so a type registered by another process counts at once', async () => {
      const typed = await stack.api.createOrg('Catalog fresh');
      await register(typed.api_key, { name: 'ticket.opened' });
      await expect(otherProcessCatalog.assertSubscribableEvents(typed.id, ['ticket.opened'])).resolves.toBeUndefined();
      await register(typed.api_key, { name: 'ticket.closed' });
      await expect(otherProcessCatalog.assertSubscribableEvents(typed.id, ['ticket.closed'])).resolves.toBeUndefined();
    });
  });
});
