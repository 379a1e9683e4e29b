import { EventSchemaCache, compileEventSchema, describeSchemaViolations, eventSchemaHash, jsonSchemaProblems } from './event-schema';

const orderSchema = {
  type: 'object',
  properties: { order_id: { type: 'string' }, amount: { type: 'number', minimum: 0 } },
  required: ['order_id', 'amount'],
  additionalProperties: false,
};

function validatorOf(schema: Record<string, unknown>) {
  const compiled = compileEventSchema(schema);
  if (!compiled.ok) throw new Error(`schema did not compile: ${JSON.stringify(compiled.details)}`);
  return compiled.validate;
}

describe('compileEventSchema', () => {
  it('accepts conforming data', () => {
    expect(validatorOf(orderSchema)({ order_id: 'o_1', amount: 3 })).toBeNull();
  });

  it('reports each violation with the JSON Pointer of the offending field', () => {
    const details = validatorOf(orderSchema)({ amount: 'three', extra: true });
    expect(details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: '/order_id', keyword: 'required', message: "must have required property 'order_id'" }),
        expect.objectContaining({ field: '/amount', keyword: 'type', message: 'must be number' }),
        expect.objectContaining({ field: '/extra', keyword: 'additionalProperties' }),
      ]),
    );
  });

  it('points into nested arrays and escapes property names', () => {
    const validate = validatorOf({
      type: 'object',
      properties: { items: { type: 'array', items: { type: 'object', required: ['a/b'] } } },
    });
    expect(validate({ items: [{ 'a/b': 1 }, {}] })).toEqual([expect.objectContaining({ field: '/items/1/a~1b' })]);
  });

  it('reads draft 2020-12 and 2019-09 schemas by their $schema', () => {
    const prefixItems = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { pair: { prefixItems: [{ type: 'string' }, { type: 'number' }] } },
    };
    expect(validatorOf(prefixItems)({ pair: ['a', 1] })).toBeNull();
    expect(validatorOf(prefixItems)({ pair: [1, 'a'] })).toHaveLength(2);
    const unevaluated = { $schema: 'https://json-schema.org/draft/2019-09/schema', properties: { a: {} }, unevaluatedProperties: false };
    expect(validatorOf(unevaluated)({ b: 1 })).toEqual([expect.objectContaining({ field: '/b', keyword: 'unevaluatedProperties' })]);
  });

  it('keeps schemas that share an $id apart', () => {
    const first = validatorOf({ $id: 'https://example.com/order', type: 'object', required: ['a'] });
    const second = validatorOf({ $id: 'https://example.com/order', type: 'object', required: ['b'] });
    expect(first({ a: 1 })).toBeNull();
    expect(second({ a: 1 })).not.toBeNull();
  });

  it('ignores unknown keywords and unknown formats instead of refusing the schema', () => {
    expect(validatorOf({ type: 'string', format: 'x-internal-code', 'x-owner': 'billing' })('anything')).toBeNull();
  });

  it('caps the number of details', () => {
    const properties = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`p${i}`, { type: 'string' }]));
    const data = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`p${i}`, i]));
    expect(validatorOf({ type: 'object', properties })(data)).toHaveLength(20);
  });
});

describe('jsonSchemaProblems', () => {
  it('is null for a valid schema', () => {
    expect(jsonSchemaProblems(orderSchema)).toBeNull();
    expect(jsonSchemaProblems({})).toBeNull();
  });

  it('names where a schema breaks the meta-schema', () => {
    expect(jsonSchemaProblems({ type: 'object', properties: { a: { type: 'strin' } } })).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'schema/properties/a/type', message: 'must be equal to one of the allowed values' })]),
    );
    expect(jsonSchemaProblems({ required: 'a' })).toEqual([expect.objectContaining({ field: 'schema/required', message: 'must be array' })]);
  });

  it('refuses what ajv cannot compile: bad patterns, unresolvable $ref, unknown drafts, async schemas', () => {
    for (const schema of [
      { type: 'string', pattern: '((' },
      { $ref: 'https://example.com/elsewhere.json' },
      { $schema: 'https://example.com/my-draft', type: 'object' },
      { $async: true, type: 'object' },
    ]) {
      const problems = jsonSchemaProblems(schema);
      expect(problems).toEqual([expect.objectContaining({ field: 'schema', message: expect.any(String) })]);
    }
  });
});

describe('EventSchemaCache', () => {
  it('compiles each distinct schema once and evicts the least recently used', () => {
    const cache = new EventSchemaCache(2);
    const a = cache.validatorFor({ type: 'object', required: ['a'] });
    expect(cache.validatorFor({ type: 'object', required: ['a'] })).toBe(a);
    cache.validatorFor({ type: 'object', required: ['b'] });
    cache.validatorFor({ type: 'object', required: ['a'] }); // a is now the most recent
    cache.validatorFor({ type: 'object', required: ['c'] }); // evicts b
    expect(cache.size).toBe(2);
    expect(cache.validatorFor({ type: 'object', required: ['a'] })).toBe(a);
    expect(a({})).toEqual([expect.objectContaining({ field: '/a' })]);
  });

  it('turns a stored schema that no longer compiles into a validator that refuses with the reason', () => {
    const validate = new EventSchemaCache().validatorFor({ type: 'string', pattern: '((' });
    expect(validate('anything')).toEqual([expect.objectContaining({ field: 'schema' })]);
  });
});

describe('helpers', () => {
  it('hashes equal schemas equally', () => {
    expect(eventSchemaHash({ a: 1 })).toBe(eventSchemaHash({ a: 1 }));
    expect(eventSchemaHash({ a: 1 })).not.toBe(eventSchemaHash({ a: 2 }));
  });

  it('describes violations on one line', () => {
    expect(
      describeSchemaViolations([
        { field: '/amount', message: 'must be number' },
        { field: '', message: 'must be object' },
      ]),
    ).toBe('/amount must be number; (root) must be object');
  });
});

describe('format keywords', () => {
  it('enforces format: email and date-time', () => {
    const compiled = compileEventSchema({
      type: 'object',
      properties: { email: { type: 'string', format: 'email' }, at: { type: 'string', format: 'date-time' } },
    });
    if (!compiled.ok) throw new Error('schema should compile');
    expect(compiled.validate({ email: 'a@example.com', at: '2026-11-24T10:00:00Z' })).toBeNull();
    expect(compiled.validate({ email: 'not-an-email' })).toEqual([expect.objectContaining({ field: '/email', keyword: 'format' })]);
    expect(compiled.validate({ at: 'yesterday' })).toEqual([expect.objectContaining({ field: '/at', keyword: 'format' })]);
  });
});
