import type { ApiError } from '../api/client';

/** Why the portal cannot open: the link expired, was revoked, or the API could not be reached. */
export function SessionEnded({ error }: { error: ApiError }) {
  const expired = error.code === 'token_expired';
  const title = expired
    ? 'This portal link has expired'
    : error.status === 401
      ? 'This portal link is invalid or has been revoked'
      : 'The portal could not be opened';
  return (
    <main class="sign-in">
      <div class="card sign-in__card" role="alert">
        <h1>{title}</h1>
        <p>{error.message}</p>
        {error.status === 401 && <p class="muted">Ask the service that sent you here for a new link.</p>}
      </div>
    </main>
  );
}
