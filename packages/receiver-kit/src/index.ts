export { verifyWebhook, DEFAULT_TOLERANCE_SECONDS, DEFAULT_TOKEN_HEADER, type SignatureScheme, type VerifyWebhookOptions } from './verify-webhook';
export {
  WebhookVerificationError,
  MissingHeadersError,
  InvalidSignatureError,
  TimestampOutOfToleranceError,
  ReplayedWebhookError,
  InvalidPayloadError,
  type WebhookVerificationErrorCode,
} from './webhook-errors';
export { createMemoryReplayGuard, type ReplayGuard, type DeliveryStamp, type MemoryReplayGuardOptions } from './replay-guard';
export {
  rawBody,
  readRawBody,
  BodyTooLargeError,
  DEFAULT_RAW_BODY_LIMIT_BYTES,
  type RawBodyRequest,
  type RawBodyOptions,
  type Middleware,
  type NextFunction,
} from './raw-body.middleware';
export { webhookMiddleware, type WebhookRequest, type WebhookMiddlewareOptions } from './webhook.middleware';
export { signWebhook, standardSignature, ed25519Signature, bodySignature, signingKey, type StandardWebhookHeaders } from './webhook-signature';
export { formatPublicKey, PUBLIC_KEY_PREFIX } from './verification-key';
export type { WebhookHeaders, HeadersLike } from './webhook-headers';
