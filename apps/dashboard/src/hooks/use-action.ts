import { useState } from 'preact/hooks';
import { ApiError } from '../api/client';

export interface Action<A extends unknown[], T> {
  run: (...args: A) => Promise<T | undefined>;
  pending: boolean;
  error: ApiError | undefined;
  clear: () => void;
}

/** A write the user starts (a button, a form): its pending state and the API's error, kept for display. */
export function useAction<A extends unknown[], T>(perform: (...args: A) => Promise<T>): Action<A, T> {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const run = async (...args: A) => {
    setPending(true);
    setError(undefined);
    try {
      return await perform(...args);
    } catch (failure) {
      setError(failure instanceof ApiError ? failure : new ApiError(0, 'client_error', String(failure)));
      return undefined;
    } finally {
      setPending(false);
    }
  };
  return { run, pending, error, clear: () => setError(undefined) };
}
