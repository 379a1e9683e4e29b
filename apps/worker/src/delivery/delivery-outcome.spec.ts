import { decideOutcome, GONE_REASON, type OutcomeInput } from './delivery-outcome';

const now = new Date('2026-01-01T00:00:00Z');
const base: Omit<OutcomeInput, 'result'> = { attempt: 1, maxAttempts: 3, policy: { baseMs: 1000, factor: 2, maxDelayMs: 60_000 }, now, random: () => 0.5 };
const response = (status: number | null, extra: Partial<OutcomeInput['result']> = {}): OutcomeInput['result'] => ({ status, error: null, ...extra });

describe('decideOutcome', () => {
  it('counts any 2xx as delivered', () => {
    for (const status of [200, 201, 204, 299])
      expect(decideOutcome({ ...base, result: response(status) })).toMatchObject({ status: 'delivered', success: true, nextAttemptAt: null });
  });

  it('retries a 2xx whose answer was cut off (the receiver may not have finished with it)', () => {
    const cut = response(200, { error: { message: 'response interrupted: connection reset by the receiver', permanent: false } });
    expect(decideOutcome({ ...base, result: cut })).toMatchObject({
      status: 'retrying',
      success: false,
      errorMessage: 'HTTP 200, then response interrupted: connection reset by the receiver',
    });
  });

  it('fails a 410 at once and deactivates the subscription', () => {
    expect(decideOutcome({ ...base, result: response(410) })).toEqual({
      status: 'failed',
      success: false,
      errorMessage: 'HTTP 410',
      nextAttemptAt: null,
      disabledReason: GONE_REASON,
    });
  });

  it('retries other answers and errors with exponential backoff until the attempts run out', () => {
    expect(decideOutcome({ ...base, result: response(500) })).toMatchObject({
      status: 'retrying',
      errorMessage: 'HTTP 500',
      nextAttemptAt: new Date(now.getTime() + 1000),
    });
    expect(decideOutcome({ ...base, attempt: 2, result: response(null, { error: { message: 'connection refused', permanent: false } }) })).toMatchObject({
      status: 'retrying',
      errorMessage: 'connection refused',
      nextAttemptAt: new Date(now.getTime() + 2000),
    });
    expect(decideOutcome({ ...base, attempt: 3, result: response(500) })).toMatchObject({ status: 'failed', nextAttemptAt: null });
    expect(decideOutcome({ ...base, attempt: 3, result: response(500) }).disabledReason).toBeUndefined();
  });

  it('treats a redirect as a failure, naming where it pointed', () => {
    expect(decideOutcome({ ...base, result: response(302, { location: 'https://elsewhere.example/' }) })).toMatchObject({
      status: 'retrying',
      errorMessage: 'HTTP 302: redirects are not followed (to https://elsewhere.example/)',
    });
  });

  it('honours Retry-After on 429 and 503 only, up to the cap', () => {
    expect(decideOutcome({ ...base, result: response(429, { retryAfter: '7' }) }).nextAttemptAt).toEqual(new Date(now.getTime() + 7000));
    expect(decideOutcome({ ...base, result: response(503, { retryAfter: '600' }) }).nextAttemptAt).toEqual(new Date(now.getTime() + 60_000));
    expect(decideOutcome({ ...base, result: response(500, { retryAfter: '7' }) }).nextAttemptAt).toEqual(new Date(now.getTime() + 1000));
  });

  it('does not retry a permanent error', () => {
    expect(decideOutcome({ ...base, result: response(null, { error: { message: 'address blocked', permanent: true } }) })).toMatchObject({
      status: 'failed',
      errorMessage: 'address blocked',
    });
  });
});
