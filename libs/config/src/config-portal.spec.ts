import { ConfigError, loadConfig } from './config';

describe('config: PORTAL_FRAME_ANCESTORS', () => {
  it('is empty by default (the portal may be framed by no one)', () => {
    expect(loadConfig({}).portalFrameAncestors).toEqual([]);
  });

  it('takes origins separated by spaces or commas, wildcards and self included', () => {
    expect(loadConfig({ PORTAL_FRAME_ANCESTORS: "https://app.example.com, https://*.example.org http://127.0.0.1:8080 'self'" }).portalFrameAncestors).toEqual([
      'https://app.example.com',
      'https://*.example.org',
      'http://127.0.0.1:8080',
      "'self'",
    ]);
  });

  it.each(['https://app.example.com/path', "https://a.example.com; script-src 'unsafe-inline'", '*', 'javascript:alert(1)', 'app.example.com'])(
    'refuses %p, which would change the policy',
    (value) => {
      expect(() => loadConfig({ PORTAL_FRAME_ANCESTORS: value })).toThrow(ConfigError);
    },
  );
});
