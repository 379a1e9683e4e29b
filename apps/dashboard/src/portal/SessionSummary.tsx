import type { CurrentPortalSession } from '../api/client';
import { Time } from '../components/Time';

/** Whose portal this is and until when, in the top bar; a read-only session says so. */
export function SessionSummary({ session }: { session: CurrentPortalSession }) {
  return (
    <div class="session-summary" role="group" aria-label="Portal session">
      <span class="session-summary__tenant">{session.tenant}</span>
      <span>
        until <Time value={session.expires_at} />
      </span>
      {session.read_only && <span class="badge">read-only</span>}
    </div>
  );
}
