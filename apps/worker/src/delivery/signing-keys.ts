import { Injectable } from '@nestjs/common';
import type { Subscription } from '@app/generated/prisma/client';
import { parseEd25519PrivateKey } from '@app/domain/ed25519-keys';
import { LruCache } from '@app/domain/lru-cache';
import { SecretCipher } from '@app/domain/secret-cipher';
import type { SigningKey } from '@app/domain/signing';

/** The keys one attempt signs with. */
export interface AttemptSigningKeys {
  /** The current key (for a channel webhook: its token, as an HMAC secret). */
  signingKey: SigningKey;
  /** The key being rotated out, while its grace period lasts. */
  previousSigningKey?: SigningKey;
}

export type SubscriptionKeyColumns = Pick<
  Subscription,
  'secret' | 'signatureScheme' | 'previousSecret' | 'previousSignatureScheme' | 'previousSecretExpiresAt'
>;

/**
 * Decrypted keys kept per worker and scheme. 10,000 keys are a few MB; past that, the least recently used
 * subscriptions pay one decryption again.
 */
const MAX_CACHED_KEYS = 10_000;

/**
 * The one place the worker reads a subscription's signing keys (stored encrypted when ENCRYPTION_KEY is
 * set). A key is decrypted (and an ed25519 key parsed) once per stored value, not per delivery: an
 * AES-GCM decryption cost more than the HMACs it feeds, and an ed25519 parse about as much as signing.
 * Each scheme's cache is keyed by the stored text, which every new key (create, rotate, change of
 * scheme) replaces with a new ciphertext, so it never serves a key that is no longer stored.
 */
@Injectable()
export class SigningKeys {
  private readonly hmacKeys = new LruCache<string, SigningKey>(MAX_CACHED_KEYS);
  private readonly ed25519Keys = new LruCache<string, SigningKey>(MAX_CACHED_KEYS);

  constructor(private readonly cipher: SecretCipher) {}

  of(subscription: SubscriptionKeyColumns, now: Date): AttemptSigningKeys {
    const { previousSecret, previousSecretExpiresAt } = subscription;
    const inGracePeriod = previousSecret != null && previousSecretExpiresAt != null && previousSecretExpiresAt > now;
    return {
      signingKey: this.key(subscription.signatureScheme, subscription.secret),
      ...(inGracePeriod && { previousSigningKey: this.key(subscription.previousSignatureScheme, previousSecret) }),
    };
  }

  private key(scheme: string, stored: string): SigningKey {
    if (scheme !== 'ed25519') return this.hmacKeys.getOrCreate(stored, () => ({ scheme: 'hmac', secret: this.cipher.decrypt(stored) }));
    return this.ed25519Keys.getOrCreate(stored, () => ({ scheme: 'ed25519', privateKey: parseEd25519PrivateKey(this.cipher.decrypt(stored)) }));
  }
}
