import { filterSchemaProblems, receivableEventTypes, type ReceivableEventType } from './filter-schema-check';
import { parseFilter } from './parse-filter';

const paid: ReceivableEventType = {
  name: 'order.paid',
  schema: {
    type: 'object',
    properties: {
      amount: { type: 'number' },
      paid: { type: 'boolean' },
      customer: { type: 'object', properties: { tier: { type: 'string' } }, additionalProperties: false },
      tags: { type: 'array', items: { type: 'string' } },
      meta: { type: 'object' },
    },
    additionalProperties: false,
  },
};
const refunded: ReceivableEventType = {
  name: 'order.refunded',
  schema: { type: 'object', properties: { reason: { type: 'string' }, amount: { type: 'integer' } }, additionalProperties: false },
};
const untyped: ReceivableEventType = { name: 'order.noted', schema: null };

function problems(filter: unknown, types: ReceivableEventType[]) {
  const parsed = parseFilter(filter);
  if (!parsed.ok) throw new Error(`refused: ${JSON.stringify(parsed.details)}`);
  return filterSchemaProblems(parsed.filter, types);
}

describe('receivableEventTypes', () => {
  const catalog = ['order.paid', 'order.refunded', 'user.created', 'orders.legacy'];

  it('expands wildcards against the catalog and keeps named types', () => {
    expect(receivableEventTypes(['order.*'], catalog)).toEqual(['order.paid', 'order.refunded']);
    expect(receivableEventTypes(['*'], catalog)).toEqual(catalog);
    expect(receivableEventTypes(['user.created', 'order.paid', 'order.*'], catalog)).toEqual(['user.created', 'order.paid', 'order.refunded']);
    expect(receivableEventTypes(['not.registered'], catalog)).toEqual(['not.registered']);
    expect(receivableEventTypes(['x.*'], catalog)).toEqual([]);
  });

  it('leaves out webhook.test, which filters never hold back', () => {
    expect(receivableEventTypes(['webhook.test', 'webhook.disabled'], catalog)).toEqual(['webhook.disabled']);
  });
});

describe('filterSchemaProblems', () => {
  it('accepts paths some receivable schema has', () => {
    expect(problems({ 'data.amount': { $gt: 5 }, 'data.customer.tier': 'gold', 'data.tags.0': 'vip', 'data.meta.anything.below': 1 }, [paid])).toEqual([]);
    expect(problems({ 'data.reason': 'fraud' }, [paid, refunded])).toEqual([]);
  });

  it('refuses a path no receivable schema has, naming its place in the filter', () => {
    expect(problems({ $or: [{ event_type: 'order.paid' }, { 'data.amont': { $gt: 5 } }] }, [paid])).toEqual([
      { field: 'filter.$or.1.data.amont', message: 'data.amont is not in the schema of order.paid' },
    ]);
    expect(problems({ 'data.customer.name': 'x' }, [paid, refunded])).toEqual([
      { field: 'filter.data.customer.name', message: 'data.customer.name is not in the schema of any of order.paid, order.refunded' },
    ]);
  });

  it('refuses ordering operators on paths that are never numbers or strings', () => {
    expect(problems({ 'data.paid': { $gt: 0 } }, [paid])).toEqual([
      { field: 'filter.data.paid.$gt', message: '$gt compares numbers or strings, but data.paid is boolean in the schema of order.paid' },
    ]);
    for (const operator of ['$gte', '$lt', '$lte']) {
      expect(problems({ 'data.customer': { [operator]: 'a' } }, [paid])).toEqual([
        { field: `filter.data.customer.${operator}`, message: expect.stringContaining('data.customer is object') },
      ]);
    }
    expect(problems({ 'data.tags': { $lt: 'a' } }, [paid])).toEqual([{ field: 'filter.data.tags.$lt', message: expect.stringContaining('is array') }]);
    expect(problems({ 'data.amount': { $gt: 1 }, 'data.reason': { $lte: 'm' } }, [paid, refunded])).toEqual([]);
    expect(problems({ 'data.meta.x': { $gt: 1 } }, [paid])).toEqual([]);
  });

  it('refuses $startsWith on paths that are never strings', () => {
    expect(problems({ 'data.amount': { $startsWith: '1' } }, [paid, refunded])).toEqual([
      {
        field: 'filter.data.amount.$startsWith',
        message: '$startsWith compares strings, but data.amount is number or integer in the schema of any of order.paid, order.refunded',
      },
    ]);
    expect(problems({ 'data.customer.tier': { $startsWith: 'g' } }, [paid])).toEqual([]);
  });

  it('leaves the other operators and the envelope fields alone', () => {
    expect(problems({ 'data.paid': { $in: [true], $exists: true, $ne: 1 }, event_type: 'x', channel: { $gt: 'a' } }, [paid])).toEqual([]);
  });

  it('checks nothing when a receivable type has no schema (its data may hold anything)', () => {
    expect(problems({ 'data.amont': 1, 'data.paid': { $gt: 1 } }, [paid, untyped])).toEqual([]);
  });

  it('checks nothing when there is no receivable type to check against', () => {
    expect(problems({ 'data.amont': 1 }, [])).toEqual([]);
  });

  it('reports every offending condition', () => {
    expect(problems({ 'data.x': 1, $and: [{ 'data.paid': { $lt: 1 } }, { 'data.y': 2 }] }, [paid]).map((detail) => detail.field)).toEqual([
      'filter.data.x',
      'filter.$and.0.data.paid.$lt',
      'filter.$and.1.data.y',
    ]);
  });
});
