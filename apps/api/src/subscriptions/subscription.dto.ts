import { applyDecorators } from '@nestjs/common';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { CHANNEL_PATTERN, EVENT_FILTER_PATTERN } from '@app/domain/event-matching';
import { MAX_URL_LENGTH } from '@app/domain/url-policy';
import { KeepAsSent, OptionalNotNull } from '../common/validators';
import { IsWebhookHeaders } from './header-rules';

export const PAYLOAD_FORMATS = ['envelope', 'data'] as const;
export type PayloadFormat = (typeof PAYLOAD_FORMATS)[number];

const MAX_EVENT_FILTERS = 100;
const MAX_CHANNELS = 100;

/** A whsec_ secret must be base64 after the prefix (Standard Webhooks libraries decode it); others are free text. */
const SECRET_PATTERN = /^(?!whsec_)[\s\S]+$|^whsec_[A-Za-z0-9+/]+={0,2}$/;

const NameRules = () => applyDecorators(IsString(), IsNotEmpty(), MaxLength(255));
const UrlRules = () => applyDecorators(IsString(), IsNotEmpty(), MaxLength(MAX_URL_LENGTH));
const EventFilterRules = () =>
  applyDecorators(
    IsArray(),
    ArrayNotEmpty(),
    ArrayMaxSize(MAX_EVENT_FILTERS),
    IsString({ each: true }),
    MaxLength(255, { each: true }),
    Matches(EVENT_FILTER_PATTERN, { each: true, message: 'each entry of events must be an event type of [A-Za-z0-9_.:-], "*" or "prefix.*"' }),
  );
const SecretRules = () =>
  applyDecorators(
    IsString(),
    IsNotEmpty(),
    MaxLength(255),
    Matches(SECRET_PATTERN, { message: 'a secret starting with whsec_ must continue with base64' }),
  );
const ChannelRules = () =>
  applyDecorators(
    IsArray(),
    ArrayMaxSize(MAX_CHANNELS),
    IsString({ each: true }),
    Matches(CHANNEL_PATTERN, { each: true, message: 'each channel must be 1 to 128 characters of [A-Za-z0-9_.:-]' }),
  );
const MaxAttemptsRules = () => applyDecorators(IsOptional(), IsInt(), Min(1), Max(20));
const RateLimitRules = () => applyDecorators(IsOptional(), IsInt(), Min(1), Max(10_000));
const PayloadFormatRules = () => IsIn(PAYLOAD_FORMATS, { message: `payload_format must be one of: ${PAYLOAD_FORMATS.join(', ')}` });

export class SubscriptionCreateDto {
  @NameRules()
  name: string;

  @UrlRules()
  url: string;

  @EventFilterRules()
  events: string[];

  @OptionalNotNull()
  @SecretRules()
  secret?: string;

  @OptionalNotNull()
  @KeepAsSent()
  @IsWebhookHeaders()
  headers?: Record<string, string>;

  @OptionalNotNull()
  @IsBoolean()
  is_active?: boolean;

  /** null or left out: the RETRY_MAX_ATTEMPTS default. */
  @MaxAttemptsRules()
  max_attempts?: number | null;

  @OptionalNotNull()
  @ChannelRules()
  channels?: string[];

  @OptionalNotNull()
  @PayloadFormatRules()
  payload_format?: PayloadFormat;

  /** null or left out: no limit. */
  @RateLimitRules()
  rate_limit_per_second?: number | null;
}

/** PATCH: any subset; null resets max_attempts and rate_limit_per_second to their defaults. */
export class SubscriptionUpdateDto {
  @OptionalNotNull()
  @NameRules()
  name?: string;

  @OptionalNotNull()
  @UrlRules()
  url?: string;

  @OptionalNotNull()
  @EventFilterRules()
  events?: string[];

  @OptionalNotNull()
  @SecretRules()
  secret?: string;

  @OptionalNotNull()
  @KeepAsSent()
  @IsWebhookHeaders()
  headers?: Record<string, string>;

  @OptionalNotNull()
  @IsBoolean()
  is_active?: boolean;

  @MaxAttemptsRules()
  max_attempts?: number | null;

  @OptionalNotNull()
  @ChannelRules()
  channels?: string[];

  @OptionalNotNull()
  @PayloadFormatRules()
  payload_format?: PayloadFormat;

  @RateLimitRules()
  rate_limit_per_second?: number | null;
}

/** The longest grace period a rotated-out secret may keep signing: 7 days. */
export const MAX_GRACE_SECONDS = 604_800;
/** Default grace period of POST /v1/webhooks/:id/secret/rotate: 24 hours. */
export const DEFAULT_GRACE_SECONDS = 86_400;

/** POST /v1/webhooks/:id/secret/rotate: a new secret (generated when left out) and how long the old one still signs. */
export class SecretRotateDto {
  @OptionalNotNull()
  @SecretRules()
  secret?: string;

  @OptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(MAX_GRACE_SECONDS)
  grace_seconds?: number;
}
