import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, createApiClient, type CurrentPortalSession } from '../api/client';
import { adoptTokenFromFragment, portalToken } from '../auth/credential-store';
import { Shell, type NavLink } from '../components/Shell';
import { AppAccessContext, type AppAccess } from '../hooks/api-context';
import { useHashRoute } from '../hooks/use-hash-route';
import { CatalogPage } from '../pages/catalog/CatalogPage';
import { EndpointDetailPage } from '../pages/endpoints/EndpointDetailPage';
import { EndpointsPage } from '../pages/endpoints/EndpointsPage';
import { LogDetailPage } from '../pages/logs/LogDetailPage';
import { LogsPage } from '../pages/logs/LogsPage';
import { SessionEnded } from './SessionEnded';
import { SessionSummary } from './SessionSummary';

const LINKS: NavLink[] = [
  { label: 'Endpoints', route: 'endpoints' },
  { label: 'Logs', route: 'logs' },
  { label: 'Event catalog', route: 'catalog' },
];

function page([section = 'endpoints', id]: string[]) {
  switch (section) {
    case 'logs':
      return id ? <LogDetailPage id={id} /> : <LogsPage />;
    case 'catalog':
      return <CatalogPage />;
    default:
      return id ? <EndpointDetailPage id={id} /> : <EndpointsPage />;
  }
}

type Gate = { state: 'checking' } | { state: 'open'; session: CurrentPortalSession } | { state: 'ended'; error: ApiError };

/**
 * The tenant's portal, opened from a session URL (`/portal#token=hps_…`). The token's session is
 * read first (tenant, expiry, read-only); an expired or revoked one — then or later — shows why
 * instead of the pages.
 */
export function PortalApp() {
  const [gate, setGate] = useState<Gate>({ state: 'checking' });
  const route = useHashRoute();
  const api = useMemo(() => {
    adoptTokenFromFragment(portalToken);
    return createApiClient({ credential: portalToken.read, onUnauthorized: (error) => setGate({ state: 'ended', error }) });
  }, []);

  useEffect(() => {
    if (!portalToken.read()) return setGate({ state: 'ended', error: new ApiError(401, 'unauthorized', 'This page needs a portal link.') });
    api.currentPortalSession().then(
      (session) => setGate((current) => (current.state === 'ended' ? current : { state: 'open', session })),
      (error: unknown) => setGate({ state: 'ended', error: error instanceof ApiError ? error : new ApiError(0, 'client_error', String(error)) }),
    );
  }, [api]);

  if (gate.state === 'ended') return <SessionEnded error={gate.error} />;
  if (gate.state === 'checking')
    return (
      <p class="loading loading--page" role="status">
        Opening your webhook portal…
      </p>
    );
  const access: AppAccess = { api, canWrite: !gate.session.read_only, portal: true };
  return (
    <AppAccessContext.Provider value={access}>
      <Shell brand="Webhooks" links={LINKS} current={route[0] ?? 'endpoints'} aside={<SessionSummary session={gate.session} />}>
        {page(route)}
      </Shell>
    </AppAccessContext.Provider>
  );
}
