/** Machine codes of the reasons a delivery is refused; stable, so receivers may switch on them. */
export type WebhookVerificationErrorCode = 'missing_headers' | 'invalid_signature' | 'timestamp_out_of_tolerance' | 'replayed_webhook' | 'invalid_payload';

/** Why a delivery was refused. `status` is the HTTP status a receiver should answer with. */
export class WebhookVerificationError extends Error {
  constructor(
    readonly code: WebhookVerificationErrorCode,
    readonly status: 400 | 401,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** None of the accepted signature headers is present, or a Standard Webhooks header set is incomplete. */
export class MissingHeadersError extends WebhookVerificationError {
  constructor(
    readonly missing: string[],
    message = `Missing webhook header(s): ${missing.join(', ')}.`,
  ) {
    super('missing_headers', 400, message, { missing });
  }
}

/** No signature (or token) matches the body and the secret, or the signature headers are malformed. */
export class InvalidSignatureError extends WebhookVerificationError {
  constructor(message = 'No webhook signature matches.') {
    super('invalid_signature', 401, message);
  }
}

/** webhook-timestamp is further than the tolerance from now, in the past or in the future. */
export class TimestampOutOfToleranceError extends WebhookVerificationError {
  constructor(
    readonly timestampSeconds: number,
    readonly nowSeconds: number,
    readonly toleranceSeconds: number,
  ) {
    const direction = timestampSeconds < nowSeconds ? 'too old' : 'too far in the future';
    super('timestamp_out_of_tolerance', 401, `webhook-timestamp is ${direction} (tolerance ${toleranceSeconds} s).`, {
      timestamp: timestampSeconds,
      now: nowSeconds,
      tolerance_seconds: toleranceSeconds,
    });
  }
}

/** The replay guard has already seen this exact delivery (same webhook-id and webhook-timestamp). */
export class ReplayedWebhookError extends WebhookVerificationError {
  constructor(readonly webhookId: string) {
    super('replayed_webhook', 401, 'This webhook delivery was already received.', { webhook_id: webhookId });
  }
}

/** The signature is valid but the body is not JSON. */
export class InvalidPayloadError extends WebhookVerificationError {
  constructor() {
    super('invalid_payload', 400, 'The webhook body is not valid JSON.');
  }
}
