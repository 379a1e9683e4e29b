import { createPublicKey, sign, verify } from 'node:crypto';
import { formatPublicKey, generateEd25519KeyPair, parseEd25519PrivateKey } from './ed25519-keys';

describe('ed25519 keys', () => {
  it('makes a whsk_ private key that parses back to the key of its whpk_ public key', () => {
    const pair = generateEd25519KeyPair();
    expect(pair.privateKey).toMatch(/^whsk_[A-Za-z0-9+/]{86}==$/);
    expect(pair.publicKey).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    const privateKey = parseEd25519PrivateKey(pair.privateKey);
    expect(formatPublicKey(privateKey)).toBe(pair.publicKey);
    const raw = Buffer.from(pair.publicKey.slice('whpk_'.length), 'base64');
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
    expect(verify(null, Buffer.from('m'), publicKey, sign(null, Buffer.from('m'), privateKey))).toBe(true);
  });

  it('makes a new pair each time', () => {
    expect(generateEd25519KeyPair().publicKey).not.toBe(generateEd25519KeyPair().publicKey);
  });

  it('refuses a stored key of another form', () => {
    const { privateKey } = generateEd25519KeyPair();
    for (const bad of ['', 'whsec_abc', privateKey.slice('whsk_'.length), privateKey.slice(0, 40)]) {
      expect(() => parseEd25519PrivateKey(bad)).toThrow('whsk_');
    }
  });
});
