import { useState } from 'preact/hooks';
import type { Subscription } from '../../api/client';
import { ConfirmButton } from '../../components/ConfirmButton';
import { CopyField } from '../../components/CopyField';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PageHeader } from '../../components/Shell';
import { Loaded } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import { useAccess } from '../../hooks/api-context';
import { useAction } from '../../hooks/use-action';
import { href, navigate } from '../../hooks/use-hash-route';
import { LogTable } from '../logs/LogTable';
import { useLogs } from '../logs/use-logs';
import { EndpointForm } from './EndpointForm';
import { endpointBody, endpointFormOf, type EndpointFormState } from './endpoint-form-state';
import { endpointStatus } from './endpoint-status';
import { RecoverForm } from './RecoverForm';
import { SecretPanel } from './SecretPanel';
import { useCatalogNames, useEndpoint } from './use-endpoints';

/** One endpoint: its settings, secret, test event, recent deliveries, and (if allowed) edit, enable/disable, recover, delete. */
export function EndpointDetailPage({ id }: { id: string }) {
  const endpoint = useEndpoint(id);
  return (
    <>
      <p class="breadcrumb">
        <a href={href('endpoints')}>← Endpoints</a>
      </p>
      <Loaded resource={endpoint}>{(data) => <EndpointDetail endpoint={data} onChanged={endpoint.reload} />}</Loaded>
    </>
  );
}

function EndpointDetail({ endpoint, onChanged }: { endpoint: Subscription; onChanged: () => void }) {
  const { api, canWrite, portal } = useAccess();
  const catalog = useCatalogNames();
  const [editing, setEditing] = useState(false);
  const update = useAction((form: EndpointFormState) => api.updateEndpoint(endpoint.id, endpointBody(form, { withChannels: !portal })));
  const toggle = useAction(() => api.updateEndpoint(endpoint.id, { is_active: !endpoint.is_active }));
  const test = useAction(() => api.sendTestEvent(endpoint.id));
  const remove = useAction(() => api.deleteEndpoint(endpoint.id).then(() => true));
  const [testSent, setTestSent] = useState<string | undefined>(undefined);
  const logs = useLogs({ endpoint: endpoint.id, limit: 10, offset: 0 });

  return (
    <>
      <PageHeader title={endpoint.name}>
        <StatusBadge status={endpointStatus(endpoint)} />
      </PageHeader>
      <div class="split">
        <section class="card" aria-labelledby="settings-title">
          <h2 id="settings-title">Settings</h2>
          {editing ? (
            <EndpointForm
              initial={endpointFormOf(endpoint)}
              submitLabel="Save changes"
              pending={update.pending}
              error={update.error}
              catalog={catalog}
              showChannels={!portal}
              onSubmit={async (form) => {
                if (!(await update.run(form))) return false;
                setEditing(false);
                onChanged();
                return true;
              }}
            />
          ) : (
            <dl class="facts">
              <dt>URL</dt>
              <dd class="mono break">{endpoint.url}</dd>
              <dt>Events</dt>
              <dd>{endpoint.events.join(', ')}</dd>
              {!portal && (
                <>
                  <dt>Channels</dt>
                  <dd>{endpoint.channels.length ? endpoint.channels.join(', ') : 'every channel'}</dd>
                </>
              )}
              <dt>Max attempts</dt>
              <dd>{endpoint.max_attempts}</dd>
              <dt>Rate limit</dt>
              <dd>{endpoint.rate_limit_per_second === null ? 'none' : `${endpoint.rate_limit_per_second}/s`}</dd>
              <dt>Payload format</dt>
              <dd>{endpoint.payload_format}</dd>
              <dt>Custom headers</dt>
              <dd class="mono">
                {Object.keys(endpoint.headers).length
                  ? Object.entries(endpoint.headers)
                      .map(([name, value]) => `${name}: ${value}`)
                      .join('\n')
                  : 'none'}
              </dd>
              {endpoint.disabled_reason && (
                <>
                  <dt>Disabled because</dt>
                  <dd>{endpoint.disabled_reason}</dd>
                </>
              )}
            </dl>
          )}
          {canWrite && (
            <div class="actions">
              <button type="button" class="button" onClick={() => setEditing(!editing)}>
                {editing ? 'Cancel editing' : 'Edit'}
              </button>
              <button
                type="button"
                class="button"
                disabled={toggle.pending}
                onClick={async () => {
                  if (await toggle.run()) onChanged();
                }}
              >
                {endpoint.is_active ? 'Disable' : 'Enable'}
              </button>
              <ConfirmButton
                label="Delete"
                question={`Delete ${endpoint.name}? Pending deliveries are cancelled.`}
                disabled={remove.pending}
                onConfirm={async () => {
                  if (await remove.run()) navigate('endpoints');
                }}
              />
            </div>
          )}
          <ErrorMessage error={toggle.error ?? remove.error} />
        </section>
        <div class="stack">
          <SecretPanel endpointId={endpoint.id} />
          <section class="card" aria-labelledby="test-title">
            <h2 id="test-title">Test event</h2>
            <p class="muted">Sends a webhook.test event to this endpoint only.</p>
            {canWrite && (
              <button
                type="button"
                class="button"
                disabled={test.pending}
                onClick={async () => {
                  const sent = await test.run();
                  if (sent) {
                    setTestSent(sent.event_id);
                    logs.reload();
                  }
                }}
              >
                Send test event
              </button>
            )}
            {testSent && (
              <p role="status">
                Sent as event <span class="mono">{testSent}</span>; it appears in the deliveries below.
              </p>
            )}
            <ErrorMessage error={test.error} />
          </section>
          {canWrite && <RecoverForm endpointId={endpoint.id} onRecovered={logs.reload} />}
        </div>
      </div>
      <section class="card" aria-labelledby="recent-title">
        <h2 id="recent-title">Recent deliveries</h2>
        <Loaded resource={logs} isEmpty={(data) => data.logs.length === 0} empty={<p>No deliveries to this endpoint yet.</p>}>
          {(data) => <LogTable logs={data.logs} />}
        </Loaded>
      </section>
    </>
  );
}
