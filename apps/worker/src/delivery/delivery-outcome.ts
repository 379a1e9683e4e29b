import { parseRetryAfter, retryDelayMs, type RetryPolicy } from '@app/domain/retry-policy';
import type { HttpAttemptResult } from './delivery-http-client';

export const GONE_REASON = 'endpoint answered 410 Gone';

export interface OutcomeInput {
  result: Pick<HttpAttemptResult, 'status' | 'retryAfter' | 'location' | 'error'>;
  /** The attempt just made, from 1. */
  attempt: number;
  maxAttempts: number;
  policy: RetryPolicy;
  now: Date;
  random?: () => number;
}

export interface Outcome {
  status: 'delivered' | 'retrying' | 'failed';
  success: boolean;
  errorMessage: string | null;
  nextAttemptAt: Date | null;
  /** Set when the subscription must be deactivated. */
  disabledReason?: string;
}

/**
 * What an attempt means: a complete 2xx answer delivered; 410 failed for good and the subscription
 * deactivated; a permanent error failed; anything else (a 2xx cut off mid-answer included) retried
 * with backoff (Retry-After honoured on 429/503) until the attempts run out.
 */
export function decideOutcome({ result, attempt, maxAttempts, policy, now, random }: OutcomeInput): Outcome {
  const { status } = result;
  if (status !== null && status >= 200 && status < 300 && !result.error) {
    return { status: 'delivered', success: true, errorMessage: null, nextAttemptAt: null };
  }
  const errorMessage = describeFailure(result);
  if (status === 410) {
    return { status: 'failed', success: false, errorMessage, nextAttemptAt: null, disabledReason: GONE_REASON };
  }
  if (result.error?.permanent || attempt >= maxAttempts) {
    return { status: 'failed', success: false, errorMessage, nextAttemptAt: null };
  }
  const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(result.retryAfter, now.getTime()) : undefined;
  const delayMs = retryDelayMs(policy, attempt, retryAfterMs, random);
  return { status: 'retrying', success: false, errorMessage, nextAttemptAt: new Date(now.getTime() + delayMs) };
}

function describeFailure(result: OutcomeInput['result']): string {
  if (result.status === null) return result.error?.message ?? 'no response';
  if (result.error) return `HTTP ${result.status}, then ${result.error.message}`;
  if (result.status >= 300 && result.status < 400) {
    return `HTTP ${result.status}: redirects are not followed${result.location ? ` (to ${result.location.slice(0, 512)})` : ''}`;
  }
  return `HTTP ${result.status}`;
}
