import type { Subscription } from '@app/generated/prisma/client';
import type { SecretCipher } from '@app/domain/secret-cipher';

export interface SigningSecrets {
  /** The current secret (for a channel webhook: its token), in plain text. */
  secret: string;
  /** The secret being rotated out, while its grace period lasts. */
  previousSecret?: string;
}

/** The one place the worker reads a subscription's secrets (stored encrypted when ENCRYPTION_KEY is set). */
export function subscriptionSecrets(
  subscription: Pick<Subscription, 'secret' | 'previousSecret' | 'previousSecretExpiresAt'>,
  cipher: SecretCipher,
  now: Date,
): SigningSecrets {
  const { previousSecret, previousSecretExpiresAt } = subscription;
  const inGracePeriod = previousSecret != null && previousSecretExpiresAt != null && previousSecretExpiresAt > now;
  return {
    secret: cipher.decrypt(subscription.secret),
    ...(inGracePeriod && { previousSecret: cipher.decrypt(previousSecret) }),
  };
}
