import { useState } from 'preact/hooks';
import type { PortalSession } from '../../api/client';
import { CopyField } from '../../components/CopyField';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { PageHeader } from '../../components/Shell';
import { fieldErrors } from '../../hooks/field-errors';
import { useAccess } from '../../hooks/api-context';
import { submitHandler, useAction } from '../../hooks/use-action';
import { Card } from '../../components/Card';

/** Make a portal link for one tenant (a channel): its endpoints, logs and the event catalog, nothing else. */
export function PortalSessionsPage() {
  const { api } = useAccess();
  const [tenant, setTenant] = useState('');
  const [hours, setHours] = useState('1');
  const [readOnly, setReadOnly] = useState(false);
  const [session, setSession] = useState<PortalSession | undefined>(undefined);
  const create = useAction(
    () => api.createPortalSession({ tenant: tenant.trim(), expires_in_seconds: Math.round(Number(hours) * 3600), read_only: readOnly }),
    setSession,
  );
  const { byField, rest } = fieldErrors(create.error, ['tenant', 'expires_in_seconds', 'read_only']);

  return (
    <>
      <PageHeader title="Portal sessions" />
      <div class="split">
        <Card id="session" title="New portal link">
          <form class="form" noValidate onSubmit={submitHandler(create.start)}>
            <Field id="session-tenant" label="Tenant" error={byField.tenant} hint="The channel your customer's events are published on.">
              {(props) => <input {...props} type="text" value={tenant} onInput={(e) => setTenant(e.currentTarget.value)} />}
            </Field>
            <Field id="session-hours" label="Expires after (hours)" error={byField.expires_in_seconds} hint="From 1 minute (0.017) to 7 days (168).">
              {(props) => <input {...props} type="number" min={0.017} max={168} step="any" value={hours} onInput={(e) => setHours(e.currentTarget.value)} />}
            </Field>
            <div class="field field--check">
              <input id="session-read-only" type="checkbox" checked={readOnly} onChange={(e) => setReadOnly(e.currentTarget.checked)} />
              <label for="session-read-only">Read-only (no changes allowed)</label>
              {byField.read_only && <p class="field-error">{byField.read_only}</p>}
            </div>
            <ErrorMessage error={create.error} details={rest} />
            <button type="submit" class="button button--primary" disabled={create.pending}>
              Create portal link
            </button>
          </form>
        </Card>
        <Card id="link" title="Link">
          {session ? (
            <>
              <CopyField id="session-url" label="Portal URL" value={session.url} />
              <p class="muted">
                For {session.tenant}, {session.read_only ? 'read-only' : 'read-write'}, until {new Date(session.expires_at).toLocaleString()}. The token is
                shown only now.
              </p>
              <CopyField
                id="session-embed"
                label="Embed snippet"
                value={`<iframe src="${session.url}" title="Webhooks" style="width:100%;height:720px;border:0"></iframe>`}
              />
            </>
          ) : (
            <p class="empty">Create a link to see it here. Send it to your customer or embed it in your product (see the README).</p>
          )}
        </Card>
      </div>
    </>
  );
}
