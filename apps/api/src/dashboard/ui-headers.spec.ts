import { ASSET_CACHE_CONTROL, HTML_CACHE_CONTROL, uiCacheControl, uiSecurityHeaders } from './ui-headers';

const directive = (headers: Record<string, string>, name: string) =>
  headers['content-security-policy']
    .split(';')
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${name} `));

describe('uiSecurityHeaders', () => {
  it('never lets the dashboard be framed, whatever the portal allows', () => {
    const headers = uiSecurityHeaders('dashboard', ['https://app.example.com']);
    expect(directive(headers, 'frame-ancestors')).toBe("frame-ancestors 'none'");
    expect(headers['x-frame-options']).toBe('DENY');
  });

  it('lets the portal be framed by the configured origins only', () => {
    const headers = uiSecurityHeaders('portal', ['https://app.example.com', 'https://*.example.org']);
    expect(directive(headers, 'frame-ancestors')).toBe('frame-ancestors https://app.example.com https://*.example.org');
    expect(headers['x-frame-options']).toBeUndefined();
  });

  it("frames the portal nowhere by default ('none')", () => {
    const headers = uiSecurityHeaders('portal', []);
    expect(directive(headers, 'frame-ancestors')).toBe("frame-ancestors 'none'");
    expect(headers['x-frame-options']).toBe('DENY');
  });

  it('allows scripts from the same origin only: no inline script, no eval', () => {
    for (const app of ['dashboard', 'portal'] as const) {
      const scripts = directive(uiSecurityHeaders(app, []), 'script-src');
      expect(scripts).toBe("script-src 'self'");
    }
  });
});

describe('uiCacheControl', () => {
  it('revalidates HTML and caches hashed assets for a year', () => {
    expect(uiCacheControl('/x/index.html')).toBe(HTML_CACHE_CONTROL);
    expect(uiCacheControl('/x/assets/index-BkcTwOKK.js')).toBe(ASSET_CACHE_CONTROL);
  });
});
