import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/client';

export interface Resource<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads `load()` when `key` changes and, with `pollMs`, again every pollMs while the page is open
 * (how Logs shows new deliveries without a reload). A poll keeps the last data on screen while it
 * runs, and an answer that arrives after the key changed is dropped.
 */
export function useResource<T>(load: (() => Promise<T>) | null, key: unknown[], { pollMs }: { pollMs?: number } = {}): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [loading, setLoading] = useState(load !== null);
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const run = useCallback((quiet: boolean) => {
    const current = loadRef.current;
    if (!current) return;
    const mine = ++generation.current;
    if (!quiet) setLoading(true);
    current().then(
      (value) => {
        if (mine !== generation.current) return;
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (failure: unknown) => {
        if (mine !== generation.current) return;
        setError(failure instanceof ApiError ? failure : new ApiError(0, 'client_error', String(failure)));
        setLoading(false);
      },
    );
  }, []);

  useEffect(() => {
    setData(undefined);
    setError(undefined);
    if (!load) {
      setLoading(false);
      return;
    }
    run(false);
    if (!pollMs) return;
    const timer = window.setInterval(() => run(true), pollMs);
    return () => window.clearInterval(timer);
    // `key` says when to load again (`load` is a new closure on every render; run() reads the latest one).
  }, [...key, load === null, pollMs]);

  return { data, error, loading, reload: () => run(true) };
}
