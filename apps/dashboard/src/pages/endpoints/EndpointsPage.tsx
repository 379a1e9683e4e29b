import { useState } from 'preact/hooks';
import type { SubscriptionWithSecret } from '../../api/client';
import { CopyField } from '../../components/CopyField';
import { PageHeader } from '../../components/Shell';
import { Loaded } from '../../components/States';
import { useAccess } from '../../hooks/api-context';
import { useAction } from '../../hooks/use-action';
import { EndpointForm } from './EndpointForm';
import { emptyEndpointForm, endpointBody, type EndpointFormState } from './endpoint-form-state';
import { EndpointRow } from './EndpointRow';
import { useEndpoints } from './use-endpoints';
import { Card } from '../../components/Card';

/** The endpoints with their status, and (when the session may write) the form that creates one. */
export function EndpointsPage() {
  const { api, canWrite, portal } = useAccess();
  const endpoints = useEndpoints();
  const [created, setCreated] = useState<SubscriptionWithSecret | undefined>(undefined);
  const create = useAction(
    (form: EndpointFormState) => api.createEndpoint(endpointBody(form, { withChannels: !portal })),
    (endpoint) => {
      setCreated(endpoint);
      endpoints.reload();
    },
  );

  return (
    <>
      <PageHeader title="Endpoints" />
      <div class={canWrite ? 'split' : ''}>
        <Card id="endpoint-list" title={portal ? 'Your endpoints' : 'All endpoints'}>
          <Loaded
            resource={endpoints}
            isEmpty={(data) => data.subscriptions.length === 0}
            empty={<p>No endpoints yet.{canWrite ? ' Create the first one with the form.' : ''}</p>}
          >
            {(data) => (
              <ul class="list" aria-label="Endpoints">
                {data.subscriptions.map((endpoint) => (
                  <EndpointRow key={endpoint.id} endpoint={endpoint}>
                    <span class="muted">{endpoint.events.join(', ')}</span>
                  </EndpointRow>
                ))}
              </ul>
            )}
          </Loaded>
        </Card>
        {canWrite && (
          <Card id="endpoint-create" title="New endpoint">
            {created && (
              <div class="notice" role="status">
                <p>
                  Created <strong>{created.name}</strong>. Verify its requests with this {created.secret ? 'signing secret' : 'public key'} (it is also shown on
                  the endpoint's page):
                </p>
                {created.secret ? (
                  <CopyField id="created-secret" label="Signing secret" value={created.secret} />
                ) : (
                  <CopyField id="created-secret" label="Public key" value={created.public_key ?? ''} />
                )}
              </div>
            )}
            <EndpointForm initial={emptyEndpointForm()} submitLabel="Create endpoint" action={create} />
          </Card>
        )}
      </div>
    </>
  );
}
