import { randomBytes } from 'node:crypto';
import { SecretCipher, parseEncryptionKey } from './secret-cipher';

describe('SecretCipher', () => {
  const key = randomBytes(32);

  it('round-trips a secret and never stores it in clear', () => {
    const cipher = new SecretCipher(key);
    const stored = cipher.encrypt('whsec_abc');
    expect(stored).toMatch(/^enc:v1:/);
    expect(stored).not.toContain('whsec_abc');
    expect(cipher.decrypt(stored)).toBe('whsec_abc');
  });

  it('uses a fresh IV each time', () => {
    const cipher = new SecretCipher(key);
    expect(cipher.encrypt('same')).not.toBe(cipher.encrypt('same'));
  });

  it('refuses a tampered value and a wrong key', () => {
    const stored = new SecretCipher(key).encrypt('token');
    const raw = Buffer.from(stored.slice('enc:v1:'.length), 'base64');
    raw[raw.length - 1] ^= 1;
    expect(() => new SecretCipher(key).decrypt(`enc:v1:${raw.toString('base64')}`)).toThrow();
    expect(() => new SecretCipher(randomBytes(32)).decrypt(stored)).toThrow();
  });

  it('reads plain values written before encryption was turned on', () => {
    expect(new SecretCipher(key).decrypt('whsec_plain')).toBe('whsec_plain');
    expect(new SecretCipher(undefined).encrypt('x')).toBe('x');
  });

  it('validates ENCRYPTION_KEY', () => {
    expect(parseEncryptionKey(key.toString('base64'))).toEqual(key);
    expect(() => parseEncryptionKey('short')).toThrow(/ENCRYPTION_KEY/);
    expect(() => parseEncryptionKey(randomBytes(16).toString('base64'))).toThrow(/32 random bytes/);
  });
});
