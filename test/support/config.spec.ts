import { randomBytes } from 'node:crypto';
import { loadConfig } from '@app/config';
import { configEnv, testConfig } from './config';

describe('configEnv', () => {
  it('passes every setting to child processes (loadConfig gives the same config back)', () => {
    const config = testConfig({
      metricsToken: 'metrics-token',
      bootstrapApiKey: 'hk_bootstrap',
      encryptionKey: randomBytes(32),
      breakerFailures: 3,
      disableAfterHours: 0.5,
      apiRateLimitPerMinute: 7,
      webhookTokenHeader: 'X-Hook-Token',
      maxSocketsPerOrigin: 7,
      portalFrameAncestors: ['https://app.example.com', "'self'"],
    });
    expect(loadConfig(configEnv(config))).toEqual(config);
  });
});
