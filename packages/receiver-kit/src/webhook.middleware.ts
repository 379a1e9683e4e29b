import type { ServerResponse } from 'node:http';
import { sendJsonError } from './json-error-response';
import { rawBody, type Middleware, type NextFunction, type RawBodyOptions, type RawBodyRequest } from './raw-body.middleware';
import { verificationKey } from './verification-key';
import { verifyWebhook, type VerifyWebhookOptions } from './verify-webhook';
import { WebhookVerificationError } from './webhook-errors';

/** A request that passed webhookMiddleware: `webhook` holds the verified, parsed payload. */
export interface WebhookRequest<T = unknown> extends RawBodyRequest {
  webhook?: T;
}

export type WebhookMiddlewareOptions = VerifyWebhookOptions & RawBodyOptions;

/**
 * Captures the raw body, verifies it, and sets `req.webhook`; a refused delivery is answered
 * 400 or 401 `{error, message, details?}` (see WebhookVerificationError.status) and `next` is not called.
 */
export function webhookMiddleware<T = unknown>(secret: string, options: WebhookMiddlewareOptions = {}): Middleware<WebhookRequest<T>> {
  verificationKey(secret); // a malformed secret or key fails at start-up, not on the first delivery
  const captureRawBody = rawBody(options);
  return (req: WebhookRequest<T>, res: ServerResponse, next: NextFunction) => {
    captureRawBody(req, res, (error?: unknown) => {
      if (error) return next(error);
      try {
        req.webhook = verifyWebhook<T>(req.rawBody as Buffer, req.headers, secret, options);
      } catch (failure: unknown) {
        if (!(failure instanceof WebhookVerificationError)) return next(failure);
        return sendJsonError(res, failure.status, failure.code, failure.message, failure.details);
      }
      next();
    });
  };
}
