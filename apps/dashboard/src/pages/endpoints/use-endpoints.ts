import { useAccess } from '../../hooks/api-context';
import { useResource } from '../../hooks/use-resource';

/** The endpoints the credential may see (the portal's tenant's only). */
export function useEndpoints() {
  const { api } = useAccess();
  return useResource(() => api.listEndpoints(), []);
}

/** Event type names from the catalog, for the Events box's suggestions (none when it cannot be read). */
export function useCatalogNames(): string[] {
  const { api } = useAccess();
  const catalog = useResource(() => api.listEventTypes(), []);
  return catalog.data?.event_types.map((type) => type.name) ?? [];
}

export function useEndpoint(id: string) {
  const { api } = useAccess();
  return useResource(() => api.getEndpoint(id), [id]);
}
