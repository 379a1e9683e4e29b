import { type TestApi, expectValidationFailed } from './support/api';
import { startStack, type Stack } from './support/stack';

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

const orderSchema = {
  type: 'object',
  properties: { order_id: { type: 'string' }, amount: { type: 'number' } },
  required: ['order_id'],
};

describe('Event-type catalog API', () => {
  let stack: Stack;
  let api: TestApi;
  let orgA: { id: string; api_key: string };
  let orgB: { id: string; api_key: string };

  const create = (key: string, body: unknown) => api.request('POST', '/v1/event-types', { key, body });
  const path = (name: string) => `/v1/event-types/${encodeURIComponent(name)}`;

  beforeAll(async () => {
    stack = await startStack({ workers: 0, orgName: 'Event types A' });
    ({ api, org: orgA } = stack);
    orgB = await api.createOrg('Event types B');
  });

  afterAll(() => stack?.stop());

  it('creates a type and answers it with snake_case fields', async () => {
    const response = await create(orgA.api_key, { name: 'order.paid', description: 'An order was paid.', schema: orderSchema });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      name: 'order.paid',
      description: 'An order was paid.',
      schema: orderSchema,
      created_at: expect.stringMatching(ISO_UTC),
      updated_at: expect.stringMatching(ISO_UTC),
    });

    const bare = await create(orgA.api_key, { name: 'order.created' });
    expect(bare.status).toBe(201);
    expect(bare.body).toMatchObject({ name: 'order.created', description: null, schema: null });
  });

  it('answers 409 for a name the organization already has, while another organization may use it', async () => {
    expect((await create(orgA.api_key, { name: 'dup.type' })).status).toBe(201);
    const duplicate = await create(orgA.api_key, { name: 'dup.type', description: 'again' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ error: 'conflict', message: expect.stringContaining('dup.type') });
    expect((await create(orgB.api_key, { name: 'dup.type' })).status).toBe(201);
  });

  it.each([
    ['a wildcard name', { name: 'order.*' }, 'name'],
    ['the catch-all wildcard', { name: '*' }, 'name'],
    ['a name with spaces', { name: 'order paid' }, 'name'],
    ['an empty name', { name: '' }, 'name'],
    ['a missing name', { description: 'x' }, 'name'],
    ['a name over 255 characters', { name: 'a'.repeat(256) }, 'name'],
    ['a description over 1000 characters', { name: 'long.description', description: 'd'.repeat(1001) }, 'description'],
    ['a schema that is an array', { name: 'array.schema', schema: [] }, 'schema'],
    ['a schema that is a string', { name: 'string.schema', schema: 'object' }, 'schema'],
    ['an unknown field', { name: 'extra.field', color: 'red' }, 'color'],
  ])('refuses %s with 400', async (_, body, field) => {
    const response = await create(orgA.api_key, body);
    expectValidationFailed(response, field);
  });

  it('accepts a name of exactly 255 characters and reads it back by that name', async () => {
    const name = 'n'.repeat(250) + '.a:b-';
    expect((await create(orgA.api_key, { name })).status).toBe(201);
    const read = await api.request('GET', path(name), { key: orgA.api_key });
    expect(read).toMatchObject({ status: 200, body: { name } });
  });

  it('refuses an invalid JSON Schema with 400 and the validator details, and stores nothing', async () => {
    const response = await create(orgA.api_key, { name: 'bad.schema', schema: { type: 'object', properties: { a: { type: 'strin' } } } });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'validation_failed', message: 'schema is not a valid JSON Schema.' });
    expect(response.body.details).toEqual(
      expect.arrayContaining([
        { field: 'schema/properties/a/type', message: 'must be equal to one of the allowed values', keyword: 'enum', params: expect.any(Object) },
      ]),
    );
    const badPattern = await create(orgA.api_key, { name: 'bad.schema', schema: { type: 'string', pattern: '((' } });
    expect(badPattern.status).toBe(400);
    expect(badPattern.body.details).toEqual([expect.objectContaining({ field: 'schema', message: expect.stringContaining('regular expression') })]);
    expect((await api.request('GET', path('bad.schema'), { key: orgA.api_key })).status).toBe(404);
  });

  it('keeps a schema exactly as sent, keys such as "constructor" and "$defs" included', async () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $defs: { id: { type: 'string' } },
      type: 'object',
      properties: { constructor: { type: 'string' }, ref: { $ref: '#/$defs/id' } },
    };
    const response = await create(orgA.api_key, { name: 'keeps.keys', schema });
    expect(response.status).toBe(201);
    expect(response.body.schema).toEqual(schema);
    const read = await api.request('GET', path('keeps.keys'), { key: orgA.api_key });
    expect(read.body.schema).toEqual(response.body.schema);
  });

  it("lists the organization's types sorted by name, with the total", async () => {
    const org = await api.createOrg('Event types list');
    for (const name of ['task:done', 'Zeta', 'a_b', 'a.b', 'a-b', 'a.b.c']) {
      expect((await create(org.api_key, { name })).status).toBe(201);
    }
    const response = await api.request('GET', '/v1/event-types', { key: org.api_key });
    expect(response.status).toBe(200);
    expect(response.body.total).toBe(6);
    expect(response.body.event_types.map((type: { name: string }) => type.name)).toEqual(['Zeta', 'a-b', 'a.b', 'a.b.c', 'a_b', 'task:done']);
    expect(response.body.event_types[0]).toEqual({
      name: 'Zeta',
      description: null,
      schema: null,
      created_at: expect.stringMatching(ISO_UTC),
      updated_at: expect.stringMatching(ISO_UTC),
    });
  });

  it('answers an empty catalog as an empty list', async () => {
    const org = await api.createOrg('Event types empty');
    const response = await api.request('GET', '/v1/event-types', { key: org.api_key });
    expect(response).toMatchObject({ status: 200, body: { event_types: [], total: 0 } });
  });

  it('reads a type by a name holding dots and colons, raw or percent-encoded', async () => {
    expect((await create(orgA.api_key, { name: 'queue:165.task.completed', description: 'colons' })).status).toBe(201);
    for (const url of ['/v1/event-types/queue:165.task.completed', path('queue:165.task.completed')]) {
      const response = await api.request('GET', url, { key: orgA.api_key });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ name: 'queue:165.task.completed', description: 'colons' });
    }
  });

  it('patches the description and the schema, removes the schema with null, and moves updated_at', async () => {
    const created = (await create(orgA.api_key, { name: 'patch.me', description: 'first', schema: orderSchema })).body;

    const described = await api.request('PATCH', path('patch.me'), { key: orgA.api_key, body: { description: 'second' } });
    expect(described.status).toBe(200);
    expect(described.body).toMatchObject({ name: 'patch.me', description: 'second', schema: orderSchema, created_at: created.created_at });
    expect(Date.parse(described.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(created.updated_at));

    const newSchema = { type: 'object', required: ['id'] };
    const reschemed = await api.request('PATCH', path('patch.me'), { key: orgA.api_key, body: { schema: newSchema } });
    expect(reschemed.body).toMatchObject({ description: 'second', schema: newSchema });

    const cleared = await api.request('PATCH', path('patch.me'), { key: orgA.api_key, body: { schema: null, description: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ description: null, schema: null });
    expect(Date.parse(cleared.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(reschemed.body.updated_at));

    const read = await api.request('GET', path('patch.me'), { key: orgA.api_key });
    expect(read.body).toEqual(cleared.body);
  });

  it('refuses a PATCH with an invalid schema or a name change, and keeps the type as it was', async () => {
    await create(orgA.api_key, { name: 'patch.strict', schema: orderSchema });
    const invalid = await api.request('PATCH', path('patch.strict'), { key: orgA.api_key, body: { schema: { type: 12 } } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'schema/type' })]));
    const rename = await api.request('PATCH', path('patch.strict'), { key: orgA.api_key, body: { name: 'other' } });
    expect(rename.status).toBe(400);
    expect((await api.request('GET', path('patch.strict'), { key: orgA.api_key })).body.schema).toEqual(orderSchema);
  });

  it('deletes a type with 204; then it is gone and the name is free again', async () => {
    await create(orgA.api_key, { name: 'delete.me' });
    const deleted = await api.request('DELETE', path('delete.me'), { key: orgA.api_key });
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    expect((await api.request('GET', path('delete.me'), { key: orgA.api_key })).status).toBe(404);
    expect((await api.request('DELETE', path('delete.me'), { key: orgA.api_key })).status).toBe(404);
    expect((await create(orgA.api_key, { name: 'delete.me' })).status).toBe(201);
  });

  it("answers 404 for unknown types and for another organization's, which it never lists", async () => {
    await create(orgA.api_key, { name: 'private.type', description: 'A only' });
    for (const [method, body] of [['GET'], ['PATCH', { description: 'taken over' }], ['DELETE']] as const) {
      const foreign = await api.request(method, path('private.type'), { key: orgB.api_key, body });
      expect(foreign.status).toBe(404);
      expect(foreign.body).toMatchObject({ error: 'not_found' });
      expect((await api.request(method, path('no.such.type'), { key: orgA.api_key, body })).status).toBe(404);
    }
    const listB = await api.request('GET', '/v1/event-types', { key: orgB.api_key });
    expect(listB.body.event_types.map((type: { name: string }) => type.name)).not.toContain('private.type');
    expect((await api.request('GET', path('private.type'), { key: orgA.api_key })).body.description).toBe('A only');
  });

  it('requires an API key', async () => {
    expect((await api.request('GET', '/v1/event-types')).status).toBe(401);
    expect((await api.request('POST', '/v1/event-types', { body: { name: 'x' } })).status).toBe(401);
  });
});
