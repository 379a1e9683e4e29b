import { schemaPathTypes } from './schema-path-types';

const types = (schema: unknown, path: string) => {
  const found = schemaPathTypes(schema, path === '' ? [] : path.split('.'));
  return found === null || found === 'any' ? found : [...found].sort();
};

const order = {
  type: 'object',
  properties: {
    amount: { type: 'number' },
    count: { type: 'integer' },
    paid: { type: 'boolean' },
    status: { enum: ['open', 'paid'] },
    kind: { const: 3 },
    note: { type: ['string', 'null'] },
    customer: { type: 'object', properties: { tier: { type: 'string' } }, additionalProperties: false },
    meta: { type: 'object' },
    items: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' } }, additionalProperties: false } },
    anything: {},
  },
  additionalProperties: false,
};

describe('schemaPathTypes', () => {
  it('gives the declared types of properties, from type, enum or const', () => {
    expect(types(order, 'amount')).toEqual(['number']);
    expect(types(order, 'count')).toEqual(['integer']);
    expect(types(order, 'paid')).toEqual(['boolean']);
    expect(types(order, 'status')).toEqual(['string']);
    expect(types(order, 'kind')).toEqual(['integer']);
    expect(types(order, 'note')).toEqual(['null', 'string']);
    expect(types(order, 'anything')).toBe('any');
    expect(types(order, '')).toEqual(['object']);
  });

  it('is null for a path no valid value has', () => {
    expect(types(order, 'amont')).toBeNull();
    expect(types(order, 'customer.name')).toBeNull();
    expect(types(order, 'amount.value')).toBeNull();
    expect(types(order, 'items.sku')).toBeNull();
    expect(types(order, 'items.0.price')).toBeNull();
  });

  it('follows items by numeric segment', () => {
    expect(types(order, 'items.0.sku')).toEqual(['string']);
    expect(types(order, 'items.12.sku')).toEqual(['string']);
    expect(types(order, 'items.0')).toEqual(['object']);
  });

  it('accepts any deeper path below an object whose additionalProperties is not false', () => {
    expect(types(order, 'meta.source.id')).toBe('any');
    expect(types(order, 'anything.at.all')).toBe('any');
    expect(types({ type: 'object', properties: { a: { type: 'string' } } }, 'b.c')).toBe('any');
    expect(types({ type: 'object', additionalProperties: true }, 'b')).toBe('any');
    expect(types({ type: 'object', additionalProperties: { type: 'number' } }, 'b')).toEqual(['number']);
    expect(types({ type: 'object', additionalProperties: { type: 'number' } }, 'b.c')).toBeNull();
  });

  it('follows patternProperties', () => {
    const schema = { type: 'object', patternProperties: { '^x_': { type: 'integer' } }, additionalProperties: false };
    expect(types(schema, 'x_count')).toEqual(['integer']);
    expect(types(schema, 'y_count')).toBeNull();
  });

  it('follows local $refs, including recursive ones, and accepts what it cannot resolve', () => {
    const schema = {
      $defs: { money: { type: 'object', properties: { value: { type: 'number' }, currency: { type: 'string' } }, additionalProperties: false } },
      definitions: {
        node: {
          type: 'object',
          properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/definitions/node' } } },
          additionalProperties: false,
        },
      },
      type: 'object',
      properties: {
        total: { $ref: '#/$defs/money' },
        tree: { $ref: '#/definitions/node' },
        self: { $ref: '#' },
        remote: { $ref: 'https://example.com/x.json' },
      },
      additionalProperties: false,
    };
    expect(types(schema, 'total.value')).toEqual(['number']);
    expect(types(schema, 'total.cents')).toBeNull();
    expect(types(schema, 'tree.children.0.children.3.name')).toEqual(['string']);
    expect(types(schema, 'tree.children.0.age')).toBeNull();
    expect(types(schema, 'self.total.currency')).toEqual(['string']);
    expect(types(schema, 'remote.whatever')).toBe('any');
  });

  it('ends $ref cycles that consume no segment', () => {
    const schema = {
      $defs: { a: { $ref: '#/$defs/b' }, b: { $ref: '#/$defs/a' } },
      type: 'object',
      properties: { x: { $ref: '#/$defs/a' } },
      additionalProperties: false,
    };
    expect(types(schema, 'x.y')).toBe('any');
  });

  it('allOf: every branch applies; anyOf/oneOf: some branch does', () => {
    const closed = { type: 'object', properties: { a: { type: 'number' } }, additionalProperties: false };
    const open = { type: 'object', properties: { b: { type: 'string' } } };
    expect(types({ allOf: [closed, open] }, 'a')).toEqual(['number']);
    expect(types({ allOf: [closed, open] }, 'b')).toBeNull();
    expect(types({ anyOf: [closed, { type: 'object', properties: { b: { type: 'string' } }, additionalProperties: false }] }, 'b')).toEqual(['string']);
    expect(types({ oneOf: [closed, { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false }] }, 'a')).toEqual([
      'number',
      'string',
    ]);
    expect(types({ anyOf: [closed, { type: 'object', properties: {}, additionalProperties: false }] }, 'c')).toBeNull();
    expect(types({ allOf: [{ type: 'object', properties: { n: { type: 'number' } } }, { properties: { n: { type: 'integer' } } }] }, 'n')).toEqual(['integer']);
  });

  it('follows then and else', () => {
    const schema = {
      type: 'object',
      if: { properties: { k: { const: 1 } } },
      then: { properties: { a: { type: 'number' } } },
      else: { properties: { b: { type: 'boolean' } } },
    };
    expect(types(schema, 'a')).toBe('any'); // the else branch leaves additional properties open
  });

  it('reads tuples of draft 2019 (items + additionalItems) and 2020 (prefixItems + items)', () => {
    const draft07 = { type: 'array', items: [{ type: 'string' }, { type: 'number' }], additionalItems: false };
    expect(types(draft07, '0')).toEqual(['string']);
    expect(types(draft07, '1')).toEqual(['number']);
    expect(types(draft07, '2')).toBeNull();
    const draft2020 = { type: 'array', prefixItems: [{ type: 'string' }], items: { type: 'boolean' } };
    expect(types(draft2020, '0')).toEqual(['string']);
    expect(types(draft2020, '5')).toEqual(['boolean']);
    expect(types({ type: 'array' }, '3.x')).toBe('any');
    expect(types({ type: 'array', items: { type: 'string' } }, 'x')).toBeNull();
  });

  it('infers object or array from keywords when type is absent', () => {
    expect(types({ properties: { a: { type: 'string' } }, additionalProperties: false }, 'a')).toEqual(['string']);
    expect(types({ properties: { a: { type: 'string' } }, additionalProperties: false }, '0')).toBeNull();
    expect(types({ items: { type: 'string' } }, '0')).toEqual(['string']);
    expect(types({ items: { type: 'string' } }, 'a')).toBeNull();
  });

  it('boolean schemas: true accepts anything, false nothing', () => {
    expect(types(true, 'a.b')).toBe('any');
    expect(types({ type: 'object', properties: { a: false } }, 'a')).toBeNull();
  });
});
