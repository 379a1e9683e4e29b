import { useAccess } from '../../hooks/api-context';
import { useResource } from '../../hooks/use-resource';

export function useEventTypes() {
  const { api } = useAccess();
  return useResource(() => api.listEventTypes(), []);
}
