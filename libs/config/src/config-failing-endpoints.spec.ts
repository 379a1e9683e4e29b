import { ConfigError, loadConfig } from './config';

/** The failing-endpoint settings: circuit breaker and auto-disable. */
describe('config: failing endpoints', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toMatchObject({ breakerFailures: 10, breakerCooldownMs: 30_000, disableAfterHours: 120, disableCheckIntervalMs: 60_000 });
  });

  it('reads the variables, DISABLE_AFTER_HOURS with fractions and 0 turning a feature off', () => {
    expect(loadConfig({ BREAKER_FAILURES: '0', BREAKER_COOLDOWN_MS: '250', DISABLE_AFTER_HOURS: '0.001', DISABLE_CHECK_INTERVAL_MS: '1000' })).toMatchObject({
      breakerFailures: 0,
      breakerCooldownMs: 250,
      disableAfterHours: 0.001,
      disableCheckIntervalMs: 1000,
    });
    expect(loadConfig({ DISABLE_AFTER_HOURS: '0' }).disableAfterHours).toBe(0);
  });

  it.each([
    ['BREAKER_FAILURES', '-1'],
    ['BREAKER_FAILURES', '2.5'],
    ['BREAKER_FAILURES', 'ten'],
    ['BREAKER_COOLDOWN_MS', '0'],
    ['BREAKER_COOLDOWN_MS', '600001'],
    ['DISABLE_AFTER_HOURS', '-0.5'],
    ['DISABLE_AFTER_HOURS', 'soon'],
    ['DISABLE_CHECK_INTERVAL_MS', '60001'],
    ['DISABLE_CHECK_INTERVAL_MS', '50'],
  ])('refuses %s=%s with a message naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^${name} must be`));
  });
});
