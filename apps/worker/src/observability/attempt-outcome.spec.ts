import { attemptOutcomeLabel } from './attempt-outcome';

describe('attemptOutcomeLabel', () => {
  it('labels an attempt with its outcome', () => {
    expect(attemptOutcomeLabel({ status: 'delivered' }, { status: 200, error: null })).toBe('delivered');
    expect(attemptOutcomeLabel({ status: 'retrying' }, { status: null, error: { message: 'timeout', permanent: false } })).toBe('retrying');
    expect(attemptOutcomeLabel({ status: 'failed' }, { status: 410, error: null })).toBe('failed');
  });

  it('labels "blocked" an attempt that could not be sent at all', () => {
    expect(attemptOutcomeLabel({ status: 'failed' }, { status: null, error: { message: 'address 10.0.0.1 is not public', permanent: true } })).toBe('blocked');
  });
});
