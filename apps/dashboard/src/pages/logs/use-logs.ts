import { useAccess } from '../../hooks/api-context';
import { useResource } from '../../hooks/use-resource';

/** How often Logs asks for new deliveries (the issue allows at most 5 s). */
export const LOGS_POLL_MS = 3000;

export interface LogFilters {
  status?: string;
  event_type?: string;
  endpoint?: string;
  limit: number;
  offset: number;
}

/** A page of delivery logs, refreshed every LOGS_POLL_MS so new deliveries appear without a reload. */
export function useLogs(filters: LogFilters) {
  const { api } = useAccess();
  return useResource(() => api.listLogs(filters), [filters.status, filters.event_type, filters.endpoint, filters.limit, filters.offset], {
    pollMs: LOGS_POLL_MS,
  });
}

/** One delivery with its attempts, refreshed while it may still change. */
export function useLog(id: string) {
  const { api } = useAccess();
  return useResource(() => api.getLog(id), [id], { pollMs: LOGS_POLL_MS });
}
