import type { TestApi } from './support/api';
import { startStack, type Stack } from './support/stack';

/** Once an organization has a catalog, subscription filters must name registered types (typos get a 400). */
describe('Event-type catalog and subscription filters', () => {
  let stack: Stack;
  let api: TestApi;

  const subscribe = (key: string, events: string[]) =>
    api.request('POST', '/v1/webhooks', { key, body: { name: 'catalog check', url: 'https://hooks.example.com/in', events } });
  const register = async (key: string, name: string) => {
    expect((await api.request('POST', '/v1/event-types', { key, body: { name } })).status).toBe(201);
  };

  beforeAll(async () => {
    stack = await startStack({ workers: 0 });
    ({ api } = stack);
  });

  afterAll(() => stack?.stop());

  it('accepts any filter while the organization has registered no type', async () => {
    const org = await api.createOrg('No catalog');
    expect((await subscribe(org.api_key, ['workflow.complete', 'anything.*'])).status).toBe(201);
    expect((await subscribe(org.api_key, ['*'])).status).toBe(201);
  });

  describe('with a catalog', () => {
    let org: { id: string; api_key: string };

    beforeAll(async () => {
      org = await api.createOrg('With catalog');
      await register(org.api_key, 'workflow.completed');
      await register(org.api_key, 'workflow.failed');
      await register(org.api_key, 'queue:165.task.done');
    });

    it('refuses a typo with 400 naming the entry', async () => {
      const response = await subscribe(org.api_key, ['workflow.completed', 'workflow.complete']);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: 'validation_failed', message: expect.stringContaining('workflow.complete') });
      expect(response.body.details).toEqual([
        expect.objectContaining({ field: 'events', value: 'workflow.complete', message: expect.stringContaining('did you mean "workflow.completed"') }),
      ]);
      const list = await api.request('GET', '/v1/webhooks', { key: org.api_key });
      expect(list.body.total).toBe(0);
    });

    it('refuses a wildcard that matches no registered type', async () => {
      const response = await subscribe(org.api_key, ['billing.*']);
      expect(response.status).toBe(400);
      expect(response.body.details).toEqual([expect.objectContaining({ value: 'billing.*' })]);
    });

    it('accepts registered names and wildcards that match one', async () => {
      expect((await subscribe(org.api_key, ['workflow.completed', 'queue:165.task.done'])).status).toBe(201);
      expect((await subscribe(org.api_key, ['workflow.*'])).status).toBe(201);
      expect((await subscribe(org.api_key, ['queue:165.*'])).status).toBe(201);
      expect((await subscribe(org.api_key, ['*'])).status).toBe(201);
    });

    it("accepts Hookline's own event types without registering them", async () => {
      expect((await subscribe(org.api_key, ['webhook.disabled'])).status).toBe(201);
      expect((await subscribe(org.api_key, ['webhook.*'])).status).toBe(201);
      expect((await subscribe(org.api_key, ['webhook.disable'])).status).toBe(400);
    });

    it('checks the events of a PATCH the same way', async () => {
      const created = await subscribe(org.api_key, ['workflow.failed']);
      expect(created.status).toBe(201);
      const path = `/v1/webhooks/${created.body.id}`;
      const typo = await api.request('PATCH', path, { key: org.api_key, body: { events: ['workflow.fail'] } });
      expect(typo.status).toBe(400);
      expect(typo.body.details).toEqual([expect.objectContaining({ value: 'workflow.fail' })]);
      expect((await api.request('GET', path, { key: org.api_key })).body.events).toEqual(['workflow.failed']);
      const fixed = await api.request('PATCH', path, { key: org.api_key, body: { events: ['workflow.completed'] } });
      expect(fixed.status).toBe(200);
      expect(fixed.body.events).toEqual(['workflow.completed']);
    });

    it('counts a type as soon as it is registered, and no more once it is deleted', async () => {
      expect((await subscribe(org.api_key, ['invoice.paid'])).status).toBe(400);
      await register(org.api_key, 'invoice.paid');
      expect((await subscribe(org.api_key, ['invoice.paid'])).status).toBe(201);
      expect((await api.request('DELETE', '/v1/event-types/invoice.paid', { key: org.api_key })).status).toBe(204);
      expect((await subscribe(org.api_key, ['invoice.paid'])).status).toBe(400);
    });

    it('does not constrain another organization', async () => {
      const other = await api.createOrg('Other org');
      expect((await subscribe(other.api_key, ['workflow.complete'])).status).toBe(201);
    });
  });
});
