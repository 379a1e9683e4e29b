import { findInErrorChain } from './error-chain';

const isTarget = (candidate: object) => (candidate as { code?: unknown }).code === 'TARGET';

describe('findInErrorChain', () => {
  const target = Object.assign(new Error('target'), { code: 'TARGET' });

  it('finds the error itself, a cause, and one inside an AggregateError', () => {
    expect(findInErrorChain(target, isTarget)).toBe(target);
    expect(findInErrorChain(new Error('outer', { cause: new Error('middle', { cause: target }) }), isTarget)).toBe(target);
    expect(findInErrorChain(new AggregateError([new Error('first'), target]), isTarget)).toBe(target);
    expect(findInErrorChain(new TypeError('fetch failed', { cause: new AggregateError([target]) }), isTarget)).toBe(target);
  });

  it('answers undefined when nothing matches, for non-objects, and on a cycle', () => {
    const looped = new Error('a') as Error & { cause?: unknown };
    looped.cause = new Error('b', { cause: looped });
    expect(findInErrorChain(looped, isTarget)).toBeUndefined();
    expect(findInErrorChain(new Error('plain'), isTarget)).toBeUndefined();
    expect(findInErrorChain(undefined, isTarget)).toBeUndefined();
    expect(findInErrorChain('TARGET', isTarget)).toBeUndefined();
  });
});
