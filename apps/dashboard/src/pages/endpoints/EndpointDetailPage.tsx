import { useState } from 'preact/hooks';
import type { Subscription } from '../../api/client';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PageHeader } from '../../components/Shell';
import { DetailPage, Loaded } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import { useAccess } from '../../hooks/api-context';
import { useAction } from '../../hooks/use-action';
import { navigate } from '../../hooks/use-hash-route';
import { LogTable } from '../logs/LogTable';
import { useLogs } from '../logs/use-logs';
import { EndpointForm } from './EndpointForm';
import { endpointBody, endpointFormOf, type EndpointFormState } from './endpoint-form-state';
import { endpointStatus } from './endpoint-status';
import { RecoverForm } from './RecoverForm';
import { SecretPanel } from './SecretPanel';
import { useEndpoint } from './use-endpoints';
import { Card } from '../../components/Card';
import { ActionButton } from '../../components/ActionButton';

/** One endpoint: its settings, secret, test event, recent deliveries, and (if allowed) edit, enable/disable, recover, delete. */
export function EndpointDetailPage({ id }: { id: string }) {
  const endpoint = useEndpoint(id);
  return (
    <DetailPage back={['endpoints', 'Endpoints']} resource={endpoint}>
      {(data) => <EndpointDetail endpoint={data} onChanged={endpoint.reload} />}
    </DetailPage>
  );
}

function EndpointDetail({ endpoint, onChanged }: { endpoint: Subscription; onChanged: () => void }) {
  const { api, canWrite, portal } = useAccess();
  const [editing, setEditing] = useState(false);
  const [testSent, setTestSent] = useState<string | undefined>(undefined);
  const logs = useLogs({ endpoint: endpoint.id, limit: 10, offset: 0 });
  const update = useAction(
    (form: EndpointFormState) => api.updateEndpoint(endpoint.id, endpointBody(form, { withChannels: !portal })),
    () => {
      setEditing(false);
      onChanged();
    },
  );
  const toggle = useAction(() => api.updateEndpoint(endpoint.id, { is_active: !endpoint.is_active }), onChanged);
  const test = useAction(
    () => api.sendTestEvent(endpoint.id),
    (sent) => {
      setTestSent(sent.event_id);
      logs.reload();
    },
  );
  const remove = useAction(
    () => api.deleteEndpoint(endpoint.id),
    () => navigate('endpoints'),
  );

  return (
    <>
      <PageHeader title={endpoint.name}>
        <StatusBadge status={endpointStatus(endpoint)} />
      </PageHeader>
      <div class="split">
        <Card id="settings" title="Settings">
          {editing ? (
            <EndpointForm initial={endpointFormOf(endpoint)} submitLabel="Save changes" action={update} />
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
              <ActionButton action={toggle}>{endpoint.is_active ? 'Disable' : 'Enable'}</ActionButton>
              <ConfirmButton
                label="Delete"
                question={`Delete ${endpoint.name}? Pending deliveries are cancelled.`}
                disabled={remove.pending}
                onConfirm={remove.start}
              />
            </div>
          )}
          <ErrorMessage error={toggle.error ?? remove.error} />
        </Card>
        <div class="stack">
          <SecretPanel endpointId={endpoint.id} />
          <Card id="test" title="Test event">
            <p class="muted">Sends a webhook.test event to this endpoint only.</p>
            {canWrite && <ActionButton action={test}>Send test event</ActionButton>}
            {testSent && (
              <p role="status">
                Sent as event <span class="mono">{testSent}</span>; it appears in the deliveries below.
              </p>
            )}
            <ErrorMessage error={test.error} />
          </Card>
          {canWrite && <RecoverForm endpointId={endpoint.id} onRecovered={logs.reload} />}
        </div>
      </div>
      <Card id="recent" title="Recent deliveries">
        <Loaded resource={logs} isEmpty={(data) => data.logs.length === 0} empty={<p>No deliveries to this endpoint yet.</p>}>
          {(data) => <LogTable logs={data.logs} />}
        </Loaded>
      </Card>
    </>
  );
}
