import { invalid } from './errors';

export interface TimeWindow {
  since: Date;
  until: Date;
}

export interface TimeWindowRules {
  now: Date;
  /** The longest span allowed from since to until. */
  maxSpanMs: number;
  /** How the limit reads in the error, e.g. "14 days". */
  maxSpanText: string;
  /** When since is left out: until minus this (callers whose since is required never leave it out). */
  defaultSpanMs?: number;
}

/**
 * A window of time from `since` and `until` query/body fields (ISO 8601): until defaults to now,
 * since ≤ until, and at most maxSpanMs apart; every problem is a 400 naming its field.
 */
export function timeWindow(input: { since?: string; until?: string }, rules: TimeWindowRules): TimeWindow {
  const until = input.until === undefined ? rules.now : new Date(input.until);
  if (Number.isNaN(until.getTime())) throw invalid('until', 'until must be a valid ISO 8601 date-time');
  const since = input.since === undefined ? new Date(until.getTime() - (rules.defaultSpanMs ?? 0)) : new Date(input.since);
  if (Number.isNaN(since.getTime())) throw invalid('since', 'since must be a valid ISO 8601 date-time');
  if (since.getTime() > until.getTime()) {
    throw invalid(input.until === undefined ? 'since' : 'until', `since (${since.toISOString()}) must not be after until (${until.toISOString()})`);
  }
  if (until.getTime() - since.getTime() > rules.maxSpanMs) {
    throw invalid('since', `the window from since to until may span at most ${rules.maxSpanText}`);
  }
  return { since, until };
}
