import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Marks an encrypted value: "enc:v1:" + base64(iv | tag | ciphertext). Plain values have no marker. */
const PREFIX = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Decodes ENCRYPTION_KEY (32 random bytes, base64); throws with a message naming the variable. */
export function parseEncryptionKey(value: string): Buffer {
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32 || key.toString('base64').replace(/=+$/, '') !== value.trim().replace(/=+$/, '')) {
    throw new Error('ENCRYPTION_KEY must be 32 random bytes, base64-encoded (openssl rand -base64 32).');
  }
  return key;
}

/**
 * Encrypts subscription secrets and channel tokens at rest with AES-256-GCM. Without a key it
 * stores plain text (development only; production refuses to start without ENCRYPTION_KEY), and
 * it always reads both forms, so turning encryption on later needs no migration.
 */
export class SecretCipher {
  constructor(private readonly key: Buffer | undefined) {}

  encrypt(plain: string): string {
    if (!this.key) return plain;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64');
  }

  decrypt(stored: string): string {
    if (!stored.startsWith(PREFIX)) return stored;
    if (!this.key) throw new Error('A stored secret is encrypted but ENCRYPTION_KEY is not set.');
    const raw = Buffer.from(stored.slice(PREFIX.length), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }
}
