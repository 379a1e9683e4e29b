import { useState } from 'preact/hooks';
import { ApiError } from '../api/client';

export interface Action<A extends unknown[], T> {
  /** Performs the write; resolves with its answer, or undefined when it failed (never rejects: see `error`). */
  run: (...args: A) => Promise<T | undefined>;
  /** run() for an event handler: starts the write and returns nothing. */
  start: (...args: A) => void;
  pending: boolean;
  error: ApiError | undefined;
  clear: () => void;
}

/**
 * A write the user starts (a button, a form): its pending state and the API's error, kept for display.
 * `onDone` runs with the answer once the write succeeded (an error it throws is shown like the API's).
 */
export function useAction<A extends unknown[], T>(perform: (...args: A) => Promise<T>, onDone?: (answer: T) => void): Action<A, T> {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const run = async (...args: A) => {
    setPending(true);
    setError(undefined);
    try {
      const answer = await perform(...args);
      onDone?.(answer);
      return answer;
    } catch (failure) {
      setError(failure instanceof ApiError ? failure : new ApiError(0, 'client_error', String(failure)));
      return undefined;
    } finally {
      setPending(false);
    }
  };
  return { run, start: (...args) => void run(...args), pending, error, clear: () => setError(undefined) };
}

/**
 * A form's onSubmit: keeps the browser from submitting and starts `task` (an Action's run or start, which
 * show their own failures). A rejection that escapes anyway goes to the browser's error reporting, not lost.
 */
export function submitHandler(task: () => unknown): (event: Event) => void {
  return (event) => {
    event.preventDefault();
    Promise.resolve()
      .then(task)
      .catch((failure: unknown) => reportError(failure));
  };
}
