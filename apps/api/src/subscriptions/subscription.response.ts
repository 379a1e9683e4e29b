import type { Subscription } from '@app/generated/prisma/client';

/** A subscription as the API shows it; the secret is only ever added by create and GET .../secret. */
export interface SubscriptionResponseDto {
  id: string;
  name: string;
  url: string;
  events: string[];
  channels: string[];
  headers: Record<string, string>;
  is_active: boolean;
  /** The effective limit: the subscription's own or RETRY_MAX_ATTEMPTS. */
  max_attempts: number;
  payload_format: string;
  rate_limit_per_second: number | null;
  disabled_reason: string | null;
  created_at: string;
  updated_at: string;
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
    payload_format: subscription.payloadFormat,
    rate_limit_per_second: subscription.rateLimitPerSecond,
    disabled_reason: subscription.disabledReason,
    created_at: subscription.createdAt.toISOString(),
    updated_at: subscription.updatedAt.toISOString(),
  };
}
