import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiSchema, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { CHANNEL_PATTERN, EVENT_FILTER_PATTERN } from '@app/domain/event-matching';
import { SIGNATURE_SCHEMES, type SignatureScheme } from '@app/domain/signing';
import { MAX_URL_LENGTH } from '@app/domain/url-policy';
import { KeepAsSent, OptionalNotNull } from '../common/validators';
import { IsWebhookHeaders } from './header-rules';

export const PAYLOAD_FORMATS = ['envelope', 'data'] as const;
export type PayloadFormat = (typeof PAYLOAD_FORMATS)[number];
export const ORDERINGS = ['none', 'per_key'] as const;
export type Ordering = (typeof ORDERINGS)[number];

const MAX_EVENT_FILTERS = 100;
const MAX_CHANNELS = 100;

/**
 * A whsec_ secret must be base64 after the prefix (Standard Webhooks libraries decode it); others are free
 * text, except the prefixes of ed25519 keys (whsk_, whpk_), which receivers' libraries would read as such.
 */
const SECRET_PATTERN = /^(?!whsec_|whsk_|whpk_)[\s\S]+$|^whsec_[A-Za-z0-9+/]+={0,2}$/;

/** Shared by create (and so PATCH) and rotate. */
const SecretRules = () =>
  applyDecorators(
    IsString(),
    IsNotEmpty(),
    MaxLength(255),
    Matches(SECRET_PATTERN, { message: 'a secret starting with whsec_ must continue with base64; whsk_ and whpk_ (ed25519 keys) are not accepted' }),
  );

@ApiSchema({ name: 'SubscriptionCreate' })
export class SubscriptionCreateDto {
  /**
   * Display name.
   * @example "Order events to billing"
   */
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name: string;

  /**
   * Target URL: https (http only when ALLOW_HTTP_URLS=true); loopback, private and link-local targets are refused unless ALLOW_PRIVATE_URLS=true.
   * @example "https://billing.example.com/hooks/hookline"
   */
  @ApiProperty({ format: 'uri' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_URL_LENGTH)
  url: string;

  /**
   * Event types this subscription receives: each an event type, `*` (every type) or `prefix.*` (every type starting with `prefix.`).
   * Once the organization has an event-type catalog, each must name a registered type or be a wildcard matching one.
   * @example ["order.paid", "workflow.*"]
   */
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_EVENT_FILTERS)
  @IsString({ each: true })
  @MaxLength(255, { each: true })
  @Matches(EVENT_FILTER_PATTERN, { each: true, message: 'each entry of events must be an event type of [A-Za-z0-9_.:-], "*" or "prefix.*"' })
  events: string[];

  /**
   * How deliveries are signed: `hmac` (default: a shared `secret`, `v1` signatures and X-Webhook-Signature) or `ed25519`
   * (a key pair Hookline makes: `v1a` signatures, verified with `public_key`; no X-Webhook-Signature). Changing it on PATCH
   * makes a new key; the old one keeps signing for 24 h, like a rotated secret.
   */
  @OptionalNotNull()
  @IsIn(SIGNATURE_SCHEMES, { message: `signature_scheme must be one of: ${SIGNATURE_SCHEMES.join(', ')}` })
  signature_scheme?: SignatureScheme;

  /**
   * HMAC signing secret; `whsec_` followed by base64, or any other text (used as UTF-8 bytes). Generated (whsec_ + 24 random bytes)
   * when left out on create. Not accepted with `signature_scheme` `ed25519`.
   */
  @OptionalNotNull()
  @SecretRules()
  secret?: string;

  /**
   * Extra request headers sent with every delivery. Not allowed: Host, Content-Length, Content-Type, `webhook-*` and `X-Webhook-*` names, CR/LF in names or values.
   * @example {"X-Source": "hookline"}
   */
  @OptionalNotNull()
  @KeepAsSent()
  @IsWebhookHeaders()
  headers?: Record<string, string>;

  /** Inactive subscriptions receive nothing. Set false by a 410 answer or auto-disable; PATCH true re-enables and clears disabled_reason. */
  @OptionalNotNull()
  @IsBoolean()
  is_active?: boolean;

  /**
   * Delivery attempts before a log is marked failed; null or left out: RETRY_MAX_ATTEMPTS.
   * @example 10
   */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(20)
  max_attempts?: number | null;

  /** When not empty, only events on one of these channels are delivered (and they must still match `events`). */
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_CHANNELS)
  @IsString({ each: true })
  @Matches(CHANNEL_PATTERN, { each: true, message: 'each channel must be 1 to 128 characters of [A-Za-z0-9_.:-]' })
  channels?: string[];

  /** `envelope` posts `{event_id, event_type, organization_id, timestamp, data, ...}`; `data` posts the event data alone. */
  @OptionalNotNull()
  @IsIn(PAYLOAD_FORMATS, { message: `payload_format must be one of: ${PAYLOAD_FORMATS.join(', ')}` })
  payload_format?: PayloadFormat;

  /** Deliveries per second at most; excess deliveries are delayed, never dropped. null (or left out on create): no limit. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  rate_limit_per_second?: number | null;

  /**
   * `none` (default): deliveries run in parallel. `per_key`: deliveries of one key (the event's
   * `ordering_key`, else its `channel`, else one key for the subscription) are attempted one at a
   * time, in the order their events were accepted; each waits until the one before it is delivered,
   * failed (attempts spent) or cancelled. With one key, throughput is bounded by the receiver's latency.
   */
  @OptionalNotNull()
  @IsIn(ORDERINGS, { message: `ordering must be one of: ${ORDERINGS.join(', ')}` })
  ordering?: Ordering;

  /**
   * Payload filter: only events it matches are delivered (README "Payload filters"). Keys are dot paths into the envelope
   * (`event_type`, `channel`, `call_id`, `workflow_id`, `data.<path>`, numeric segments index arrays) or `$and` / `$or` (arrays of
   * filters) and `$not` (a filter); values are literals (equality) or objects of operators `$eq $ne $gt $gte $lt $lte $in $nin
   * $exists $startsWith`. Type-strict, no regular expressions; at most 8 levels deep, 64 conditions and 4 KiB as JSON. Checked
   * against the catalog schemas of the types `events` can receive; each error names its place inside the filter
   * (`filter.$or.1.data.amount.$gt`). null (or left out on create): none; null in a PATCH clears it.
   * @example {"data.amount": {"$gte": 100}, "data.currency": {"$in": ["EUR", "USD"]}}
   */
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  @IsOptional()
  @KeepAsSent()
  filter?: Record<string, unknown> | null;
}

/**
 * PATCH: any subset of the create fields; null resets max_attempts and rate_limit_per_second to their
 * defaults (their rules allow null), while the other fields refuse it (skipNullProperties: false).
 */
@ApiSchema({ name: 'SubscriptionUpdate', description: 'Any subset of the fields.' })
export class SubscriptionUpdateDto extends PartialType(SubscriptionCreateDto, { skipNullProperties: false }) {}

/** The longest grace period a rotated-out secret may keep signing: 7 days. */
export const MAX_GRACE_SECONDS = 604_800;
/** Default grace period of POST /v1/webhooks/:id/secret/rotate: 24 hours. */
export const DEFAULT_GRACE_SECONDS = 86_400;

/** POST /v1/webhooks/:id/secret/rotate: a new secret or key pair and how long the old one still signs. */
@ApiSchema({ name: 'SecretRotate', description: 'Both fields are optional; the body may be left out.' })
export class SecretRotateDto {
  /** HMAC signing secret; `whsec_` followed by base64, or any other text (used as UTF-8 bytes). Generated when left out; not accepted for an ed25519 subscription (a new key pair is made). */
  @OptionalNotNull()
  @SecretRules()
  secret?: string;

  /**
   * How long the previous secret or key keeps signing too (default 86400, 24 h).
   * @example 3600
   */
  @OptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(MAX_GRACE_SECONDS)
  grace_seconds?: number;
}
