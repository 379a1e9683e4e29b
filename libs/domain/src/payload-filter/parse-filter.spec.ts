import { FILTER_LIMITS } from './filter-syntax';
import { parseFilter } from './parse-filter';

/** The details of a filter expected to be refused. */
function problems(filter: unknown) {
  const parsed = parseFilter(filter);
  if (parsed.ok) throw new Error(`expected ${JSON.stringify(filter)} to be refused`);
  return parsed.details;
}

function conditionsOf(filter: unknown) {
  const parsed = parseFilter(filter);
  if (!parsed.ok) throw new Error(`refused: ${JSON.stringify(parsed.details)}`);
  return parsed.filter.conditions;
}

/** `{$and: [{$and: [... {data.a: 1}]}]}` with `levels` filters in all. */
function nested(levels: number): Record<string, unknown> {
  let filter: Record<string, unknown> = { 'data.a': 1 };
  for (let level = 1; level < levels; level += 1) filter = { $and: [filter] };
  return filter;
}

describe('parseFilter', () => {
  it('reads literals as $eq and operator objects as one condition per operator', () => {
    const conditions = conditionsOf({ event_type: 'order.paid', 'data.amount': { $gte: 10, $lt: 100 } });
    expect(conditions).toEqual([
      { field: 'filter.event_type', operatorField: 'filter.event_type', path: 'event_type', segments: ['event_type'], operator: '$eq', operand: 'order.paid' },
      {
        field: 'filter.data.amount',
        operatorField: 'filter.data.amount.$gte',
        path: 'data.amount',
        segments: ['data', 'amount'],
        operator: '$gte',
        operand: 10,
      },
      {
        field: 'filter.data.amount',
        operatorField: 'filter.data.amount.$lt',
        path: 'data.amount',
        segments: ['data', 'amount'],
        operator: '$lt',
        operand: 100,
      },
    ]);
  });

  it('accepts every operator with its operand type', () => {
    const filter = {
      'data.a': { $eq: { nested: [1] }, $ne: null },
      'data.b': { $gt: 1, $gte: 'a', $lt: 2.5, $lte: 'z' },
      'data.c': { $in: [1, 'x', null, { k: 1 }], $nin: [] },
      'data.d': { $exists: false },
      channel: { $startsWith: 'queue:' },
      call_id: { $exists: true },
      workflow_id: 'wf_1',
      data: { $exists: true },
      'data.items.0.sku': ['an', 'array', 'literal'],
    };
    expect(conditionsOf(filter).map((condition) => condition.operator)).toEqual([
      '$eq',
      '$ne',
      '$gt',
      '$gte',
      '$lt',
      '$lte',
      '$in',
      '$nin',
      '$exists',
      '$startsWith',
      '$exists',
      '$eq',
      '$exists',
      '$eq',
    ]);
  });

  it('locates conditions inside combinators by array index', () => {
    const conditions = conditionsOf({ $or: [{ event_type: 'a' }, { $not: { 'data.amount': { $gt: 5 } } }], $and: [{ 'data.x': true }] });
    expect(conditions.map((condition) => condition.operatorField)).toEqual([
      'filter.$or.0.event_type',
      'filter.$or.1.$not.data.amount.$gt',
      'filter.$and.0.data.x',
    ]);
  });

  it('refuses anything but a JSON object', () => {
    for (const filter of [null, [], [{ event_type: 'a' }], 'event_type = a', 5, true]) {
      expect(problems(filter)).toEqual([{ field: 'filter', message: expect.stringContaining('must be a JSON object') }]);
    }
  });

  it('refuses empty filters, at the top and inside combinators', () => {
    expect(problems({})).toEqual([{ field: 'filter', message: 'must hold at least one condition' }]);
    expect(problems({ $not: {} })).toEqual([{ field: 'filter.$not', message: 'must hold at least one condition' }]);
    expect(problems({ $or: [{ event_type: 'a' }, {}] })).toEqual([{ field: 'filter.$or.1', message: 'must hold at least one condition' }]);
  });

  it('refuses paths outside the envelope, malformed paths and fields below a string', () => {
    expect(problems({ amount: 5 })).toEqual([{ field: 'filter.amount', message: expect.stringContaining('unknown field "amount"') }]);
    expect(problems({ organization_id: 'org_1' })).toEqual([{ field: 'filter.organization_id', message: expect.stringContaining('unknown field') }]);
    expect(problems({ 'data..a': 5 })).toEqual([{ field: 'filter.data..a', message: expect.stringContaining('not a valid path') }]);
    expect(problems({ 'data.a.': 5 })).toEqual([{ field: 'filter.data.a.', message: expect.stringContaining('not a valid path') }]);
    expect(problems({ 'channel.name': 'x' })).toEqual([{ field: 'filter.channel.name', message: 'channel is a string and has no fields below it' }]);
  });

  it('refuses unknown operators, naming the ones that exist, and regular expressions', () => {
    expect(problems({ 'data.a': { $gt: 1, $between: [1, 2] } })).toEqual([
      { field: 'filter.data.a.$between', message: expect.stringMatching(/^unknown operator \$between; use one of \$eq, \$ne, .*\$startsWith$/) },
    ]);
    expect(problems({ 'data.a': { $regex: '^a' } })).toEqual([
      { field: 'filter.data.a.$regex', message: expect.stringContaining('regular expressions are not supported') },
    ]);
  });

  it('refuses combinators used as operators and operators used as combinators', () => {
    expect(problems({ 'data.a': { $not: { $gt: 1 } } })).toEqual([
      { field: 'filter.data.a.$not', message: expect.stringContaining('$not combines filters, not operators') },
    ]);
    expect(problems({ $gt: 1 })).toEqual([{ field: 'filter.$gt', message: expect.stringContaining('operators go below a path') }]);
    expect(problems({ $nor: [{ event_type: 'a' }] })).toEqual([{ field: 'filter.$nor', message: expect.stringContaining('unknown combinator $nor') }]);
  });

  it('checks each operand type', () => {
    const cases: Array<[string, unknown, string]> = [
      ['$gt', true, 'must be a number or a string'],
      ['$gte', null, 'must be a number or a string'],
      ['$lt', [1], 'must be a number or a string'],
      ['$lte', { a: 1 }, 'must be a number or a string'],
      ['$in', 'a', 'must be an array of values'],
      ['$nin', { a: 1 }, 'must be an array of values'],
      ['$exists', 'yes', 'must be true or false'],
      ['$exists', 1, 'must be true or false'],
      ['$startsWith', 5, 'must be a string'],
      ['$startsWith', null, 'must be a string'],
    ];
    for (const [operator, operand, message] of cases) {
      expect(problems({ $or: [{ event_type: 'a' }, { 'data.amount': { [operator]: operand } }] })).toEqual([
        { field: `filter.$or.1.data.amount.${operator}`, message },
      ]);
    }
  });

  it('refuses malformed combinators', () => {
    expect(problems({ $and: { event_type: 'a' } })).toEqual([{ field: 'filter.$and', message: 'must be a non-empty array of filters' }]);
    expect(problems({ $or: [] })).toEqual([{ field: 'filter.$or', message: 'must be a non-empty array of filters' }]);
    expect(problems({ $or: [{ event_type: 'a' }, 'b'] })).toEqual([{ field: 'filter.$or.1', message: 'must be a filter (a JSON object)' }]);
    expect(problems({ $not: [{ event_type: 'a' }] })).toEqual([{ field: 'filter.$not', message: 'must be a filter (a JSON object)' }]);
  });

  it('refuses objects that are neither operators nor an explicit $eq', () => {
    expect(problems({ data: { amount: 5 } })).toEqual([{ field: 'filter.data', message: expect.stringContaining('use a dot path for nested fields') }]);
    expect(problems({ 'data.a': {} })).toEqual([{ field: 'filter.data.a', message: expect.stringContaining('use a dot path') }]);
    expect(problems({ 'data.a': { $gt: 1, b: 2 } })).toEqual([
      { field: 'filter.data.a', message: expect.stringContaining('mixes operators with field names') },
    ]);
  });

  it('reports every problem, not only the first', () => {
    expect(problems({ 'data.a': { $gt: true }, nope: 1, $or: [] }).map((detail) => detail.field)).toEqual(['filter.data.a.$gt', 'filter.nope', 'filter.$or']);
  });

  it(`allows ${FILTER_LIMITS.maxDepth} levels of nested filters, not more`, () => {
    expect(parseFilter(nested(FILTER_LIMITS.maxDepth)).ok).toBe(true);
    expect(parseFilter({ $not: { $not: { $not: { $not: { $not: { $not: { $not: { event_type: 'a' } } } } } } } }).ok).toBe(true);
    const deepField = `filter${'.$and.0'.repeat(FILTER_LIMITS.maxDepth)}`;
    expect(problems(nested(FILTER_LIMITS.maxDepth + 1))).toEqual([{ field: deepField, message: 'nests filters more than 8 levels deep' }]);
  });

  it(`allows ${FILTER_LIMITS.maxConditions} conditions, not more`, () => {
    const conditions = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, index) => [`data.f${index}`, index]));
    expect(parseFilter(conditions(FILTER_LIMITS.maxConditions)).ok).toBe(true);
    expect(problems(conditions(FILTER_LIMITS.maxConditions + 1))).toEqual([{ field: 'filter', message: 'has 65 conditions; at most 64 are allowed' }]);
    // Operators of one path count one each; combinators do not count.
    expect(problems({ $or: [conditions(40), { 'data.x': { $gt: 1, $lt: 9 } }, conditions(23)] })).toEqual([
      { field: 'filter', message: expect.stringContaining('has 65 conditions') },
    ]);
  });

  it(`allows ${FILTER_LIMITS.maxBytes} bytes of JSON, not more`, () => {
    const sized = (bytes: number) => ({ 'data.s': 'x'.repeat(bytes - JSON.stringify({ 'data.s': '' }).length) });
    expect(JSON.stringify(sized(4096)).length).toBe(4096);
    expect(parseFilter(sized(4096)).ok).toBe(true);
    expect(problems(sized(4097))).toEqual([{ field: 'filter', message: 'is 4097 bytes as JSON; at most 4096 are allowed' }]);
    // Bytes, not characters: 2,000 two-byte characters are over the limit.
    expect(problems({ 'data.s': 'é'.repeat(2100) })[0].message).toContain('at most 4096');
  });

  it('refuses text PostgreSQL cannot store', () => {
    expect(problems({ 'data.s': 'a\u0000b' })).toEqual([{ field: 'filter', message: expect.stringContaining('NUL') }]);
  });

  it('names the filter by the field given', () => {
    expect(problems({ nope: 1 })[0].field).toBe('filter.nope');
    const parsed = parseFilter({ nope: 1 }, 'subscription.filter');
    expect(parsed.ok ? null : parsed.details[0].field).toBe('subscription.filter.nope');
  });
});
