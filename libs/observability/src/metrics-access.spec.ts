import { metricsAccessAllowed } from './metrics-access';

describe('metricsAccessAllowed', () => {
  it('lets everyone in without METRICS_TOKEN', () => {
    expect(metricsAccessAllowed(undefined, undefined)).toBe(true);
  });

  it('wants exactly "Bearer <METRICS_TOKEN>" when it is set', () => {
    expect(metricsAccessAllowed('Bearer s3cret', 's3cret')).toBe(true);
    expect(metricsAccessAllowed('bearer s3cret', 's3cret')).toBe(true);
    for (const header of [undefined, '', 's3cret', 'Bearer', 'Bearer s3cre', 'Bearer s3cret2', 'Basic s3cret', 'Bearer s3cret extra']) {
      expect(metricsAccessAllowed(header, 's3cret')).toBe(false);
    }
  });
});
