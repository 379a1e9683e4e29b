import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { Subscription } from '@app/generated/prisma/client';
import type { SignatureScheme } from '@app/domain/signing';
import { ORDERINGS, type Ordering, type PayloadFormat } from './subscription.dto';

/** A subscription as the API shows it; an HMAC secret is only ever added by create and GET .../secret. */
@ApiSchema({ name: 'Subscription' })
export class SubscriptionResponseDto {
  /** Subscription id. */
  id: string;
  /** Display name. */
  name: string;
  /** Target URL. */
  url: string;
  /** Event types (or wildcards) this subscription receives. */
  events: string[];
  /** When not empty, only events on one of these channels are delivered. */
  channels: string[];
  /** Extra request headers sent with every delivery. */
  headers: Record<string, string>;
  /** Inactive subscriptions receive nothing. */
  is_active: boolean;
  /** Delivery attempts before a log is marked failed (the subscription keeps RETRY_MAX_ATTEMPTS when it sets none). */
  max_attempts: number;
  /** `envelope` or `data`. */
  payload_format: PayloadFormat;
  /** Deliveries per second at most; null: no limit. */
  rate_limit_per_second: number | null;
  /** `none`, or `per_key`: deliveries of one ordering key go one at a time, in order. */
  @ApiProperty({ enum: ORDERINGS })
  ordering: Ordering;
  /** The payload filter (see the create body); null without one. */
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  filter: Record<string, unknown> | null;
  /** `hmac` (shared secret, `v1` signatures) or `ed25519` (key pair, `v1a` signatures). */
  @ApiProperty({ enum: ['hmac', 'ed25519'] })
  signature_scheme: SignatureScheme;
  /**
   * ed25519 subscriptions only: `whpk_` + base64 of the 32-byte public key, which verifies their `v1a` signatures and cannot sign.
   * @example "whpk_qxEnZJkty6uoTvwkrm/BiPTL/3RdkDXnyJ+r4vfiXjM="
   */
  public_key?: string;
  /** Why Hookline deactivated the subscription (410 Gone, or failing for DISABLE_AFTER_HOURS); null otherwise. */
  disabled_reason: string | null;
  /** Creation time. */
  @ApiProperty({ format: 'date-time' })
  created_at: string;
  /** Last change. */
  @ApiProperty({ format: 'date-time' })
  updated_at: string;
}

@ApiSchema({ name: 'SubscriptionWithSecret', description: 'A subscription as created: the only answer that carries its HMAC secret.' })
export class SubscriptionWithSecretResponseDto extends SubscriptionResponseDto {
  /** The HMAC signing secret (hmac subscriptions only; an ed25519 subscription answers its `public_key`). */
  secret?: string;
}

@ApiSchema({ name: 'SubscriptionList' })
export class SubscriptionListResponseDto {
  subscriptions: SubscriptionResponseDto[];
  /** Number of subscriptions. */
  total: number;
}

@ApiSchema({ name: 'SubscriptionSecret', description: "An hmac subscription's secret." })
export class SubscriptionSecretResponseDto {
  /** The signing secret. */
  secret: string;
}

@ApiSchema({ name: 'SubscriptionPublicKey', description: "An ed25519 subscription's public key." })
export class SubscriptionPublicKeyResponseDto {
  /** `whpk_` + base64 of the 32-byte ed25519 public key. */
  public_key: string;
}

@ApiSchema({ name: 'SecretRotated', description: "An hmac subscription's new secret." })
export class SecretRotatedResponseDto {
  /** The new secret. */
  secret: string;
  /** Until then `webhook-signature` carries a signature with each secret, space-separated; `X-Webhook-Signature` uses the new one. */
  @ApiProperty({ format: 'date-time' })
  previous_secret_expires_at: string;
}

@ApiSchema({ name: 'PublicKeyRotated', description: "An ed25519 subscription's new key pair." })
export class PublicKeyRotatedResponseDto {
  /** The new public key (`whpk_…`); its private half signs from now on. */
  public_key: string;
  /** Until then `webhook-signature` carries a `v1a` signature with each key, space-separated, the new key's first. */
  @ApiProperty({ format: 'date-time' })
  previous_public_key_expires_at: string;
}

@ApiSchema({ name: 'TestWebhookSent' })
export class TestWebhookSentResponseDto {
  /** Always "Test webhook sent successfully". */
  message: string;
  /** The `webhook.test` event, delivered to this subscription only; visible in its logs. */
  event_id: string;
}

export function toSubscriptionResponse(subscription: Subscription, defaultMaxAttempts: number): SubscriptionResponseDto {
  return {
    id: subscription.id,
    name: subscription.name,
    url: subscription.url,
    events: subscription.events,
    channels: subscription.channels,
    headers: (subscription.headers ?? {}) as Record<string, string>,
    is_active: subscription.isActive,
    max_attempts: subscription.maxAttempts ?? defaultMaxAttempts,
    payload_format: subscription.payloadFormat as PayloadFormat,
    rate_limit_per_second: subscription.rateLimitPerSecond,
    ordering: subscription.ordering as Ordering,
    filter: (subscription.filter ?? null) as Record<string, unknown> | null,
    signature_scheme: subscription.signatureScheme as SignatureScheme,
    ...(subscription.signatureScheme === 'ed25519' && { public_key: subscription.publicKey! }),
    disabled_reason: subscription.disabledReason,
    created_at: subscription.createdAt.toISOString(),
    updated_at: subscription.updatedAt.toISOString(),
  };
}
