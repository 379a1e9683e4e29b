import { CompiledFilterCache } from './compiled-filter-cache';

const version1 = new Date('2026-12-01T00:00:00Z');
const version2 = new Date('2026-12-01T00:00:01Z');
const subject = { event_type: 'order.paid', data: { amount: 50 } };

describe('CompiledFilterCache', () => {
  it('matches everything without a filter', () => {
    const cache = new CompiledFilterCache();
    expect(cache.predicateFor({ id: 'sub_1', filter: null, updatedAt: version1 })(subject)).toBe(true);
    expect(cache.size).toBe(0);
  });

  it('compiles once per subscription version', () => {
    const cache = new CompiledFilterCache();
    const first = cache.predicateFor({ id: 'sub_1', filter: { 'data.amount': { $gt: 10 } }, updatedAt: version1 });
    expect(first(subject)).toBe(true);
    // Same version: the cached predicate, even if the caller passes a filter object read afresh.
    expect(cache.predicateFor({ id: 'sub_1', filter: { 'data.amount': { $gt: 10 } }, updatedAt: new Date(version1) })).toBe(first);
    const edited = cache.predicateFor({ id: 'sub_1', filter: { 'data.amount': { $gt: 100 } }, updatedAt: version2 });
    expect(edited).not.toBe(first);
    expect(edited(subject)).toBe(false);
    expect(cache.size).toBe(1);
  });

  it('evicts the least recently used subscription beyond its bound', () => {
    const cache = new CompiledFilterCache(2);
    const filter = { event_type: 'order.paid' };
    const first = cache.predicateFor({ id: 'sub_1', filter, updatedAt: version1 });
    cache.predicateFor({ id: 'sub_2', filter, updatedAt: version1 });
    cache.predicateFor({ id: 'sub_1', filter, updatedAt: version1 }); // sub_1 used last, so sub_2 goes
    cache.predicateFor({ id: 'sub_3', filter, updatedAt: version1 });
    expect(cache.size).toBe(2);
    expect(cache.predicateFor({ id: 'sub_1', filter, updatedAt: version1 })).toBe(first);
  });

  it('matches nothing with a stored filter that no longer parses, and says so once per version', () => {
    const reports: string[] = [];
    const cache = new CompiledFilterCache(10, (id, details) => reports.push(`${id}: ${details[0].field}`));
    const broken = { id: 'sub_1', filter: { 'data.amount': { $regex: '.*' } }, updatedAt: version1 };
    expect(cache.predicateFor(broken)(subject)).toBe(false);
    expect(cache.predicateFor(broken)(subject)).toBe(false);
    expect(reports).toEqual(['sub_1: filter.data.amount.$regex']);
  });
});
