import { useMemo, useState } from 'preact/hooks';
import { createApiClient } from '../api/client';
import { dashboardApiKey } from '../auth/credential-store';
import { Shell, type NavLink } from '../components/Shell';
import { AppAccessContext } from '../hooks/api-context';
import { useHashRoute } from '../hooks/use-hash-route';
import { ChannelsPage } from '../pages/channels/ChannelsPage';
import { EndpointDetailPage } from '../pages/endpoints/EndpointDetailPage';
import { EndpointsPage } from '../pages/endpoints/EndpointsPage';
import { EventTypesPage } from '../pages/event-types/EventTypesPage';
import { EventsPage } from '../pages/events/EventsPage';
import { LogDetailPage } from '../pages/logs/LogDetailPage';
import { LogsPage } from '../pages/logs/LogsPage';
import { OverviewPage } from '../pages/overview/OverviewPage';
import { PortalSessionsPage } from '../pages/portal-sessions/PortalSessionsPage';
import { SignInPage } from '../pages/sign-in/SignInPage';

const LINKS: NavLink[] = [
  { label: 'Overview', route: 'overview' },
  { label: 'Endpoints', route: 'endpoints' },
  { label: 'Logs', route: 'logs' },
  { label: 'Events', route: 'events' },
  { label: 'Event types', route: 'event-types' },
  { label: 'Channels', route: 'channels' },
  { label: 'Portal sessions', route: 'portal-sessions' },
];

function page([section = 'overview', id]: string[]) {
  switch (section) {
    case 'endpoints':
      return id ? <EndpointDetailPage id={id} /> : <EndpointsPage />;
    case 'logs':
      return id ? <LogDetailPage id={id} /> : <LogsPage />;
    case 'events':
      return <EventsPage id={id} />;
    case 'event-types':
      return <EventTypesPage />;
    case 'channels':
      return <ChannelsPage />;
    case 'portal-sessions':
      return <PortalSessionsPage />;
    default:
      return <OverviewPage />;
  }
}

/** The operator dashboard: sign-in with an organization API key, then the pages. */
export function DashboardApp() {
  const [key, setKey] = useState(dashboardApiKey.read);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const route = useHashRoute();
  const signOut = (why?: string) => {
    dashboardApiKey.forget();
    setKey(null);
    setNotice(why);
  };
  const access = useMemo(
    () => ({
      api: createApiClient({ credential: dashboardApiKey.read, onUnauthorized: (error) => signOut(`Signed out: ${error.message}`) }),
      canWrite: true,
      portal: false,
    }),
    [],
  );

  if (!key)
    return (
      <SignInPage
        notice={notice}
        onSignedIn={(value) => {
          dashboardApiKey.write(value);
          setNotice(undefined);
          setKey(value);
        }}
      />
    );
  return (
    <AppAccessContext.Provider value={access}>
      <Shell
        brand="Hookline"
        links={LINKS}
        current={route[0] ?? 'overview'}
        aside={
          <button type="button" class="button" onClick={() => signOut()}>
            Sign out
          </button>
        }
      >
        {page(route)}
      </Shell>
    </AppAccessContext.Provider>
  );
}
