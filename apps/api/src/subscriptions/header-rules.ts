import { registerDecorator, type ValidationArguments } from 'class-validator';
import { isJsonObject } from '@app/domain/json-object';

export const MAX_CUSTOM_HEADERS = 50;
const MAX_HEADER_VALUE_LENGTH = 4096;

/** RFC 9110 token characters: what a header name may be made of. */
const HEADER_NAME_PATTERN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,256}$/;

/** Header names Hookline sets itself, or that would corrupt the HTTP request when overridden. */
const RESERVED_NAMES = new Set(['host', 'content-length', 'content-type', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer']);
const RESERVED_PREFIXES = ['webhook-', 'x-webhook-'];

/** Characters Node's HTTP client accepts in a header value, besides CR/LF which are checked apart. */
const HEADER_VALUE_PATTERN = /^[\t\x20-\x7e\x80-\xff]*$/;

/** What is wrong with a custom headers map, one sentence per problem; empty when it is acceptable. */
export function headerProblems(headers: unknown): string[] {
  if (!isJsonObject(headers)) return ['headers must be an object of header names to string values'];
  const entries = Object.entries(headers);
  if (entries.length > MAX_CUSTOM_HEADERS) return [`headers may hold at most ${MAX_CUSTOM_HEADERS} entries`];
  return entries.flatMap(([name, value]) => {
    const problem = nameProblem(name) ?? valueProblem(name, value);
    return problem ? [problem] : [];
  });
}

function nameProblem(name: string): string | undefined {
  const shown = JSON.stringify(name);
  if (/[\r\n]/.test(name)) return `header name ${shown} must not contain CR or LF`;
  if (!HEADER_NAME_PATTERN.test(name)) return `header name ${shown} is not a valid HTTP header name`;
  const lower = name.toLowerCase();
  if (RESERVED_NAMES.has(lower) || RESERVED_PREFIXES.some((prefix) => lower.startsWith(prefix))) {
    return `header ${shown} is reserved and cannot be set (Host, Content-Length, Content-Type, webhook-*, X-Webhook-* and hop-by-hop headers)`;
  }
  return undefined;
}

function valueProblem(name: string, value: unknown): string | undefined {
  const shown = JSON.stringify(name);
  if (typeof value !== 'string') return `header ${shown} must have a string value`;
  if (/[\r\n]/.test(value)) return `header ${shown} must not contain CR or LF in its value`;
  if (value.length > MAX_HEADER_VALUE_LENGTH) return `header ${shown} value must be at most ${MAX_HEADER_VALUE_LENGTH} characters`;
  if (!HEADER_VALUE_PATTERN.test(value)) return `header ${shown} value contains characters not allowed in HTTP headers`;
  return undefined;
}

/** Validates a custom headers map with headerProblems(); the message lists every problem. */
export function IsWebhookHeaders(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isWebhookHeaders',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: (args: ValidationArguments) => headerProblems(args.value).join('; ') },
      validator: { validate: (value: unknown) => headerProblems(value).length === 0 },
    });
}
