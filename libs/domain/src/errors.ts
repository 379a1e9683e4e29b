/** Machine codes of client-visible errors; the API's exception filter maps each to an HTTP status. */
export type ErrorCode =
  | 'validation_failed'
  | 'unauthorized'
  | 'token_expired'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'service_unavailable';

export interface ErrorDetail {
  field?: string;
  message: string;
  [key: string]: unknown;
}

/** An error a client caused or must know about; never carries secrets in its message. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string) => new DomainError('not_found', `${what} not found.`);
export const invalid = (field: string, message: string) => new DomainError('validation_failed', 'The request is invalid.', [{ field, message }]);
