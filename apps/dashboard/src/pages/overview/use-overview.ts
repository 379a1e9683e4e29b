import { useAccess } from '../../hooks/api-context';
import { useResource } from '../../hooks/use-resource';

const DAY_MS = 24 * 3600_000;

/** Hourly delivery stats of the last 24 hours, refreshed every minute. */
export function useDayStats() {
  const { api } = useAccess();
  return useResource(
    () => {
      const until = new Date();
      return api.deliveryStats({ since: new Date(until.getTime() - DAY_MS).toISOString(), until: until.toISOString(), bucket: 'hour' });
    },
    [],
    { pollMs: 60_000 },
  );
}

/** Endpoints that are disabled, and those whose recent deliveries failed. */
export function useTroubledEndpoints() {
  const { api } = useAccess();
  return useResource(async () => {
    const [{ subscriptions }, failed] = await Promise.all([api.listEndpoints(), api.listLogs({ status: 'failed', limit: 200, offset: 0 })]);
    const failures = new Map<string, number>();
    for (const log of failed.logs) failures.set(log.webhook_id, (failures.get(log.webhook_id) ?? 0) + 1);
    return subscriptions
      .filter((endpoint) => !endpoint.is_active || failures.has(endpoint.id))
      .map((endpoint) => ({ endpoint, recentFailures: failures.get(endpoint.id) ?? 0 }));
  }, []);
}
