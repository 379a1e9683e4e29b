import { DomainError } from './errors';
import { MAX_URL_LENGTH, UrlPolicy, assertTargetUrl } from './url-policy';

const guarded: UrlPolicy = { allowHttp: true, allowPrivate: false };
const httpsOnly: UrlPolicy = { allowHttp: false, allowPrivate: false };
const open: UrlPolicy = { allowHttp: true, allowPrivate: true };

const PRIVATE = 'url must not point to a private, loopback or link-local address';

/** The message of the validation error `assertTargetUrl` throws, or null when it accepts. */
function refusal(url: unknown, policy: UrlPolicy): string | null {
  try {
    assertTargetUrl(url, policy);
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    const error = err as DomainError;
    expect(error.code).toBe('validation_failed');
    expect(error.details?.[0]?.field).toBe('url');
    return error.details![0].message;
  }
}

describe('assertTargetUrl', () => {
  it.each([
    ['https://example.com', httpsOnly],
    ['https://example.com/hooks?x=1#frag', httpsOnly],
    ['https://example.com:8443/hook', httpsOnly],
    ['http://example.com/hook', guarded],
    ['https://93.184.216.34/hook', httpsOnly],
    ['https://[2606:4700:4700::1111]/hook', httpsOnly],
    ['https://172.32.0.1/', httpsOnly],
    ['https://localhost.example.com/', httpsOnly], // only the localhost TLD is special
    ['https://mylocalhost/', httpsOnly],
  ])('accepts %s', (url, policy) => {
    expect(refusal(url, policy)).toBeNull();
    expect(assertTargetUrl(url, policy)).toBe(url);
  });

  it.each([
    'http://localhost/',
    'http://localhost:3000/hook',
    'http://LOCALHOST/',
    'http://localhost./',
    'http://sub.localhost/',
    'http://a.b.localhost./',
    'http://127.0.0.1/',
    'http://127.0.0.1.:8080/',
    'http://2130706433/', // decimal 127.0.0.1
    'http://0x7f.1/', // hex + short form
    'http://0x7f000001/',
    'http://017700000001/', // octal
    'http://127.1/',
    'http://0/', // 0.0.0.0
    'http://0.0.0.0/',
    'http://10.0.0.5/',
    'http://172.16.0.1/',
    'http://192.168.0.10/',
    'http://169.254.169.254/latest/meta-data/',
    'http://100.64.0.1/',
    'http://224.0.0.1/',
    'http://255.255.255.255/',
    'http://[::1]/',
    'http://[0:0:0:0:0:0:0:1]/',
    'http://[::]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:169.254.169.254]/',
    'http://[::ffff:8.8.8.8]/', // mapped addresses are refused outright
    'http://[fd00::1]/',
    'http://[fe80::1]/',
    'http://[ff02::1]/',
    'http://[2002:7f00:1::1]/', // 6to4 of 127.0.0.1
    'http://[64:ff9b::a9fe:a9fe]/', // NAT64 of 169.254.169.254
  ])('refuses %s as private', (url) => {
    expect(refusal(url, guarded)).toBe(PRIVATE);
  });

  it.each([
    ['http://example.com/', httpsOnly, 'url must use https'],
    ['ftp://example.com/', guarded, 'url must use https or http'],
    ['file:///etc/passwd', guarded, 'url must use https or http'],
    ['https://user:pass@example.com/', httpsOnly, 'url must not contain credentials'],
    ['https://user@example.com/', httpsOnly, 'url must not contain credentials'],
    [`https://example.com/${'a'.repeat(MAX_URL_LENGTH)}`, httpsOnly, `url must be at most ${MAX_URL_LENGTH} characters`],
    [' https://example.com/', httpsOnly, 'url must not contain whitespace or control characters'],
    ['https://example.com/in\r\nX-Injected: 1', httpsOnly, 'url must not contain whitespace or control characters'],
    ['https://exa\tmple.com/', httpsOnly, 'url must not contain whitespace or control characters'],
    ['not-a-url', httpsOnly, 'url must be an absolute URL'],
    ['/relative/path', httpsOnly, 'url must be an absolute URL'],
    ['http://[::1/', guarded, 'url must be an absolute URL'],
    ['', httpsOnly, 'url must be a non-empty string'],
    [42, httpsOnly, 'url must be a non-empty string'],
  ])('refuses %s', (url, policy, message) => {
    expect(refusal(url, policy)).toBe(message);
  });

  it('accepts private targets when the guard is off (ALLOW_PRIVATE_URLS=true)', () => {
    for (const url of ['http://localhost:3000/', 'http://127.0.0.1/', 'http://[::1]/', 'http://169.254.169.254/']) {
      expect(refusal(url, open)).toBeNull();
    }
  });

  it('names the field it checks', () => {
    expect(() => assertTargetUrl('http://127.0.0.1/', guarded, 'target_url')).toThrow(
      expect.objectContaining({ details: [{ field: 'target_url', message: 'target_url must not point to a private, loopback or link-local address' }] }),
    );
  });
});
