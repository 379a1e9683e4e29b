import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ApiClient } from '../api/client';

/** What a page may do in this app: the API client, and whether writes are allowed (portal read-only sessions). */
export interface AppAccess {
  api: ApiClient;
  canWrite: boolean;
  /** Portal pages hide organization-wide controls (channels, other tenants). */
  portal: boolean;
}

export const AppAccessContext = createContext<AppAccess | null>(null);

export function useAccess(): AppAccess {
  const access = useContext(AppAccessContext);
  if (!access) throw new Error('useAccess outside AppAccessContext');
  return access;
}

export const useApi = (): ApiClient => useAccess().api;
