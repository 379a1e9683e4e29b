import type { DeliveryOutcomeLabel } from '@app/observability';
import type { HttpAttemptResult } from '../delivery/delivery-http-client';
import type { Outcome } from '../delivery/delivery-outcome';

/** The metrics label of an attempt: its outcome, or "blocked" when no request could be sent (SSRF guard, unusable URL). */
export function attemptOutcomeLabel(outcome: Pick<Outcome, 'status'>, result: Pick<HttpAttemptResult, 'status' | 'error'>): DeliveryOutcomeLabel {
  return result.status === null && result.error?.permanent ? 'blocked' : outcome.status;
}
