import { compileFilter, filterSubject, jsonEquals, type FilterableEvent } from './compile-filter';
import { parseFilter } from './parse-filter';

const orderData: Record<string, unknown> = {
  amount: 120,
  currency: 'EUR',
  paid: true,
  note: null,
  code: '5',
  created: '2026-11-30T10:00:00Z',
  customer: { tier: 'gold', tags: ['vip', 'eu'] },
  items: [
    { sku: 'A-1', qty: 2 },
    { sku: 'B-7', qty: 1 },
  ],
};
const order: FilterableEvent = { eventType: 'order.paid', channel: 'queue:165', callId: 'call_8f2', workflowId: null, data: orderData };

function matches(filter: unknown, event: FilterableEvent = order): boolean {
  const parsed = parseFilter(filter);
  if (!parsed.ok) throw new Error(`refused: ${JSON.stringify(parsed.details)}`);
  return compileFilter(parsed.filter)(filterSubject(event));
}

describe('filterSubject', () => {
  it('holds the envelope fields, leaving out unset ones as the delivered envelope does', () => {
    expect(filterSubject(order)).toEqual({ event_type: 'order.paid', channel: 'queue:165', call_id: 'call_8f2', data: order.data });
    expect(filterSubject({ ...order, channel: null, callId: null, workflowId: 'wf_1' })).toEqual({
      event_type: 'order.paid',
      workflow_id: 'wf_1',
      data: order.data,
    });
  });
});

describe('compileFilter', () => {
  it('$eq and literals: equal values of the same JSON type only', () => {
    expect(matches({ event_type: 'order.paid' })).toBe(true);
    expect(matches({ event_type: 'order.refunded' })).toBe(false);
    expect(matches({ 'data.amount': 120 })).toBe(true);
    expect(matches({ 'data.amount': { $eq: 120 } })).toBe(true);
    expect(matches({ 'data.amount': '120' })).toBe(false);
    expect(matches({ 'data.code': 5 })).toBe(false);
    expect(matches({ 'data.code': '5' })).toBe(true);
    expect(matches({ 'data.paid': true })).toBe(true);
    expect(matches({ 'data.paid': 1 })).toBe(false);
    expect(matches({ 'data.note': null })).toBe(true);
    expect(matches({ 'data.missing': null })).toBe(false);
    expect(matches({ workflow_id: null })).toBe(false);
  });

  it('$eq compares arrays and objects deeply, whatever the key order', () => {
    expect(matches({ 'data.customer.tags': ['vip', 'eu'] })).toBe(true);
    expect(matches({ 'data.customer.tags': ['eu', 'vip'] })).toBe(false);
    expect(matches({ 'data.customer.tags': 'vip' })).toBe(false); // no implicit "array contains"
    expect(matches({ 'data.items.0': { $eq: { qty: 2, sku: 'A-1' } } })).toBe(true);
    expect(matches({ 'data.items.0': { $eq: { sku: 'A-1' } } })).toBe(false);
  });

  it('$ne is the negation of $eq, so a missing field is not equal', () => {
    expect(matches({ 'data.currency': { $ne: 'USD' } })).toBe(true);
    expect(matches({ 'data.currency': { $ne: 'EUR' } })).toBe(false);
    expect(matches({ 'data.amount': { $ne: '120' } })).toBe(true);
    expect(matches({ 'data.missing': { $ne: 'x' } })).toBe(true);
  });

  it('$gt $gte $lt $lte between numbers', () => {
    expect(matches({ 'data.amount': { $gt: 100 } })).toBe(true);
    expect(matches({ 'data.amount': { $gt: 120 } })).toBe(false);
    expect(matches({ 'data.amount': { $gte: 120 } })).toBe(true);
    expect(matches({ 'data.amount': { $gte: 120.5 } })).toBe(false);
    expect(matches({ 'data.amount': { $lt: 121 } })).toBe(true);
    expect(matches({ 'data.amount': { $lt: 120 } })).toBe(false);
    expect(matches({ 'data.amount': { $lte: 120 } })).toBe(true);
    expect(matches({ 'data.amount': { $lte: -1 } })).toBe(false);
    expect(matches({ 'data.amount': { $gt: 100, $lt: 200 } })).toBe(true);
    expect(matches({ 'data.amount': { $gt: 100, $lt: 110 } })).toBe(false);
  });

  it('orders strings by code units (ISO timestamps in one format order in time)', () => {
    expect(matches({ 'data.created': { $gte: '2026-11-01T00:00:00Z' } })).toBe(true);
    expect(matches({ 'data.created': { $lt: '2026-11-01T00:00:00Z' } })).toBe(false);
    expect(matches({ 'data.currency': { $gt: 'EUA', $lte: 'EUR' } })).toBe(true);
    expect(matches({ 'data.currency': { $gt: 'eur' } })).toBe(false); // 'E' < 'e'
  });

  it('never orders values of different types, nor missing ones', () => {
    expect(matches({ 'data.amount': { $gt: '100' } })).toBe(false);
    expect(matches({ 'data.amount': { $lt: '999' } })).toBe(false);
    expect(matches({ 'data.code': { $gt: 1 } })).toBe(false);
    expect(matches({ 'data.code': { $lte: 9 } })).toBe(false);
    expect(matches({ 'data.paid': { $gte: 0 } })).toBe(false);
    expect(matches({ 'data.note': { $lte: 0 } })).toBe(false);
    expect(matches({ 'data.missing': { $lt: 0 } })).toBe(false);
    expect(matches({ 'data.customer': { $gt: '' } })).toBe(false);
  });

  it('$in and $nin: membership, type-strict, objects compared deeply', () => {
    expect(matches({ 'data.currency': { $in: ['EUR', 'USD'] } })).toBe(true);
    expect(matches({ 'data.currency': { $in: ['GBP', 'USD'] } })).toBe(false);
    expect(matches({ 'data.amount': { $in: ['120', 12] } })).toBe(false);
    expect(matches({ 'data.note': { $in: [null] } })).toBe(true);
    expect(matches({ 'data.missing': { $in: [null] } })).toBe(false);
    expect(matches({ 'data.items.1': { $in: [1, { sku: 'B-7', qty: 1 }] } })).toBe(true);
    expect(matches({ 'data.items.1': { $in: [{ sku: 'B-7' }] } })).toBe(false);
    expect(matches({ 'data.amount': { $in: [] } })).toBe(false);
    expect(matches({ 'data.currency': { $nin: ['GBP', 'USD'] } })).toBe(true);
    expect(matches({ 'data.currency': { $nin: ['EUR'] } })).toBe(false);
    expect(matches({ 'data.amount': { $nin: ['120'] } })).toBe(true);
    expect(matches({ 'data.missing': { $nin: ['x'] } })).toBe(true);
  });

  it('$exists: present (null counts) or absent', () => {
    expect(matches({ 'data.note': { $exists: true } })).toBe(true);
    expect(matches({ 'data.missing': { $exists: true } })).toBe(false);
    expect(matches({ 'data.missing': { $exists: false } })).toBe(true);
    expect(matches({ 'data.amount': { $exists: false } })).toBe(false);
    expect(matches({ channel: { $exists: true } })).toBe(true);
    expect(matches({ workflow_id: { $exists: false } })).toBe(true);
    expect(matches({ 'data.items.5': { $exists: false } })).toBe(true);
  });

  it('$startsWith: strings only, case-sensitive', () => {
    expect(matches({ channel: { $startsWith: 'queue:' } })).toBe(true);
    expect(matches({ channel: { $startsWith: 'Queue:' } })).toBe(false);
    expect(matches({ event_type: { $startsWith: 'order.' } })).toBe(true);
    expect(matches({ 'data.code': { $startsWith: '' } })).toBe(true);
    expect(matches({ 'data.amount': { $startsWith: '1' } })).toBe(false);
    expect(matches({ 'data.customer.tags': { $startsWith: 'vip' } })).toBe(false);
    expect(matches({ 'data.missing': { $startsWith: '' } })).toBe(false);
  });

  it('follows dot paths through objects and, with numeric segments, arrays', () => {
    expect(matches({ 'data.customer.tier': 'gold' })).toBe(true);
    expect(matches({ 'data.items.0.sku': 'A-1' })).toBe(true);
    expect(matches({ 'data.items.1.sku': 'A-1' })).toBe(false);
    expect(matches({ 'data.customer.tags.1': 'eu' })).toBe(true);
    expect(matches({ 'data.items.01.sku': { $exists: true } })).toBe(false); // not a canonical index
    expect(matches({ 'data.items.sku': { $exists: true } })).toBe(false); // no implicit walk over items
    expect(matches({ 'data.amount.value': { $exists: true } })).toBe(false);
    const keyed = { ...order, data: { byIndex: { '0': 'zero' } } };
    expect(matches({ 'data.byIndex.0': 'zero' }, keyed)).toBe(true); // a numeric key of an object
  });

  it('reads own properties only, never the prototype chain', () => {
    expect(matches({ 'data.constructor': { $exists: true } })).toBe(false);
    expect(matches({ 'data.__proto__': { $exists: true } })).toBe(false);
    expect(matches({ 'data.items.length': { $exists: true } })).toBe(false);
    expect(matches({ 'data.currency.length': 3 })).toBe(false);
  });

  it('several keys of one filter must all hold', () => {
    expect(matches({ event_type: 'order.paid', 'data.amount': { $gt: 100 } })).toBe(true);
    expect(matches({ event_type: 'order.paid', 'data.amount': { $gt: 500 } })).toBe(false);
  });

  it('$and: every filter holds', () => {
    expect(matches({ $and: [{ 'data.paid': true }, { 'data.customer.tier': 'gold' }] })).toBe(true);
    expect(matches({ $and: [{ 'data.paid': true }, { 'data.customer.tier': 'silver' }] })).toBe(false);
  });

  it('$or: some filter holds', () => {
    expect(matches({ $or: [{ 'data.amount': { $gt: 1000 } }, { 'data.customer.tier': 'gold' }] })).toBe(true);
    expect(matches({ $or: [{ 'data.amount': { $gt: 1000 } }, { 'data.customer.tier': 'silver' }] })).toBe(false);
  });

  it('$not: the filter does not hold', () => {
    expect(matches({ $not: { 'data.currency': 'USD' } })).toBe(true);
    expect(matches({ $not: { 'data.currency': 'EUR' } })).toBe(false);
    expect(matches({ $not: { 'data.currency': 'EUR', 'data.amount': 1 } })).toBe(true); // not (a and b)
  });

  it('combines at any level', () => {
    const filter = {
      event_type: { $in: ['order.paid', 'order.refunded'] },
      $or: [{ $and: [{ 'data.amount': { $gte: 100 } }, { $not: { 'data.customer.tags.0': 'test' } }] }, { channel: { $startsWith: 'priority:' } }],
    };
    expect(matches(filter)).toBe(true);
    expect(matches(filter, { ...order, data: { ...orderData, amount: 50 } })).toBe(false);
    expect(matches(filter, { ...order, channel: 'priority:1', data: { amount: 50 } })).toBe(true);
    expect(matches(filter, { ...order, data: { amount: 500, customer: { tags: ['test'] } } })).toBe(false);
  });

  it('treats data that is not an object as having no fields', () => {
    expect(matches({ 'data.a': { $exists: false } }, { ...order, data: 'text' })).toBe(true);
    expect(matches({ 'data.0': 1 }, { ...order, data: [1] })).toBe(true);
  });
});

describe('jsonEquals', () => {
  it('is deep and type-strict', () => {
    expect(jsonEquals({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toBe(true);
    expect(jsonEquals({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(jsonEquals([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(jsonEquals([], [1])).toBe(false);
    expect(jsonEquals(null, {})).toBe(false);
    expect(jsonEquals(1, '1')).toBe(false);
  });
});
