import { invalid } from '@app/domain/errors';
import { generateEd25519KeyPair } from '@app/domain/ed25519-keys';
import type { SecretCipher } from '@app/domain/secret-cipher';
import { generateSecret, type SignatureScheme } from '@app/domain/signing';
import type { Subscription } from '@app/generated/prisma/client';

/** The columns of a subscription's current signing key. */
export interface KeyColumns {
  signatureScheme: SignatureScheme;
  /** Encrypted: the HMAC secret, or the whsk_ private key. */
  secret: string;
  publicKey: string | null;
}

/** The columns of the key kept signing during a grace period (all null without one). */
export interface PreviousKeyColumns {
  previousSecret: string | null;
  previousSignatureScheme: SignatureScheme;
  previousSecretExpiresAt: Date | null;
}

/** A new key, and what the API may show of it: an HMAC secret to its owner, or the ed25519 public key. */
export type IssuedKey = { columns: KeyColumns; shown: { secret: string } } | { columns: KeyColumns; shown: { public_key: string } };

/**
 * The rules of a subscription's signing keys, for create, PATCH and rotate alike. An ed25519 key pair
 * is always made here: a private key never enters or leaves the service, so a client-chosen `secret`
 * has no meaning for that scheme.
 */
export class SubscriptionKeys {
  constructor(private readonly cipher: SecretCipher) {}

  /** A new key of `scheme`: `secret` when given (hmac only), else a generated secret or key pair. */
  issue(scheme: SignatureScheme, secret?: string): IssuedKey {
    if (scheme === 'hmac') {
      const plain = secret ?? generateSecret();
      return { columns: { signatureScheme: scheme, secret: this.cipher.encrypt(plain), publicKey: null }, shown: { secret: plain } };
    }
    assertNoSecret(scheme, secret);
    const pair = generateEd25519KeyPair();
    return {
      columns: { signatureScheme: scheme, secret: this.cipher.encrypt(pair.privateKey), publicKey: pair.publicKey },
      shown: { public_key: pair.publicKey },
    };
  }

  /**
   * The current key of `subscription`, kept signing for `graceSeconds`; with no grace period it is not
   * kept at all. Re-encrypting also covers a key stored before ENCRYPTION_KEY was set.
   */
  retire(subscription: Pick<Subscription, 'secret' | 'signatureScheme'>, graceSeconds: number, now: Date): PreviousKeyColumns {
    const scheme = subscription.signatureScheme as SignatureScheme;
    if (graceSeconds <= 0) return { previousSecret: null, previousSignatureScheme: scheme, previousSecretExpiresAt: null };
    return {
      previousSecret: this.cipher.encrypt(this.cipher.decrypt(subscription.secret)),
      previousSignatureScheme: scheme,
      previousSecretExpiresAt: new Date(now.getTime() + graceSeconds * 1000),
    };
  }

  /** The current HMAC secret, or the public key of an ed25519 subscription (GET .../secret). */
  shown(subscription: Pick<Subscription, 'secret' | 'signatureScheme' | 'publicKey'>): { secret: string } | { public_key: string } {
    return subscription.signatureScheme === 'ed25519' ? { public_key: subscription.publicKey! } : { secret: this.cipher.decrypt(subscription.secret) };
  }
}

/** A `secret` sent for an ed25519 subscription is a 400 naming the field. */
function assertNoSecret(scheme: SignatureScheme, secret: string | undefined): void {
  if (scheme === 'ed25519' && secret !== undefined) {
    throw invalid('secret', 'an ed25519 subscription has no secret: Hookline makes its key pair and publishes the public key (public_key)');
  }
}
