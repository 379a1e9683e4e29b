import { isIP } from 'node:net';
import { isPublicAddress } from './address-policy';
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
  // WHATWG parsing silently drops tabs/CR/LF and trims spaces, so the stored string would not be the URL checked.
  // eslint-disable-next-line no-control-regex -- finding control characters is this pattern's job
  if (/[\s\u0000-\u001f\u007f]/.test(value)) throw fail(`${field} must not contain whitespace or control characters`);
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
  if (!policy.allowPrivate && isPrivateHost(parsed.hostname)) {
    throw fail(`${field} must not point to a private, loopback or link-local address`);
  }
  return value;
}

/**
 * True for `localhost` names and for IP literals that are not public. WHATWG URL parsing has
 * already turned odd IPv4 forms (`2130706433`, `0x7f.1`, `127.1`) into dotted decimal, and keeps
 * IPv6 literals in brackets. Other names are checked when the worker resolves them.
 */
function isPrivateHost(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.+$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  const literal = name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
  return isIP(literal) !== 0 && !isPublicAddress(literal);
}
