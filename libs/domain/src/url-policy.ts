import { DomainError } from './errors';

export interface UrlPolicy {
  /** Accept http:// targets (local use and tests). */
  allowHttp: boolean;
  /** Accept loopback/private/link-local targets (turns the SSRF guard off). */
  allowPrivate: boolean;
}

export const MAX_URL_LENGTH = 2048;

/**
 * Checks a delivery target at configuration time; throws DomainError('validation_failed') naming
 * `field`. The connect-time check of resolved addresses lives in the worker's HTTP agent.
 */
export function assertTargetUrl(value: unknown, policy: UrlPolicy, field = 'url'): string {
  const fail = (message: string) => new DomainError('validation_failed', 'The request is invalid.', [{ field, message }]);
  if (typeof value !== 'string' || value.length === 0) throw fail(`${field} must be a non-empty string`);
  if (value.length > MAX_URL_LENGTH) throw fail(`${field} must be at most ${MAX_URL_LENGTH} characters`);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw fail(`${field} must be an absolute URL`);
  }
  if (parsed.protocol !== 'https:' && !(policy.allowHttp && parsed.protocol === 'http:')) {
    throw fail(policy.allowHttp ? `${field} must use https or http` : `${field} must use https`);
  }
  if (parsed.username || parsed.password) throw fail(`${field} must not contain credentials`);
  return value;
}
