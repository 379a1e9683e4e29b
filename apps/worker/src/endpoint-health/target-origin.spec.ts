import { targetOrigin } from './target-origin';

describe('targetOrigin', () => {
  it('writes the default port out, so equivalent URLs share one origin', () => {
    expect(targetOrigin('https://Example.com/hooks?a=1')).toBe('https://example.com:443');
    expect(targetOrigin('https://example.com:443/other')).toBe('https://example.com:443');
    expect(targetOrigin('http://example.com/x')).toBe('http://example.com:80');
  });

  it('tells ports, schemes and hosts apart', () => {
    expect(targetOrigin('http://127.0.0.1:4000/a')).toBe('http://127.0.0.1:4000');
    expect(targetOrigin('http://127.0.0.1:4001/a')).toBe('http://127.0.0.1:4001');
    expect(targetOrigin('https://127.0.0.1:4000/a')).toBe('https://127.0.0.1:4000');
    expect(targetOrigin('http://[::1]:8080/a')).toBe('http://[::1]:8080');
  });

  it('leaves credentials and paths out', () => {
    expect(targetOrigin('https://user:pass@hooks.example.com/secret-path')).toBe('https://hooks.example.com:443');
  });

  it('is null for an unparsable URL', () => {
    expect(targetOrigin('not a url')).toBeNull();
  });
});
