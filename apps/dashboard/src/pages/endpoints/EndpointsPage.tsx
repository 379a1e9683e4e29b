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
import { useCatalogNames, useEndpoints } from './use-endpoints';

/** The endpoints with their status, and (when the session may write) the form that creates one. */
export function EndpointsPage() {
  const { api, canWrite, portal } = useAccess();
  const endpoints = useEndpoints();
  const catalog = useCatalogNames();
  const [created, setCreated] = useState<SubscriptionWithSecret | undefined>(undefined);
  const create = useAction((form: EndpointFormState) => api.createEndpoint(endpointBody(form, { withChannels: !portal })));

  const submit = async (form: EndpointFormState) => {
    const endpoint = await create.run(form);
    if (!endpoint) return false;
    setCreated(endpoint);
    endpoints.reload();
    return true;
  };

  return (
    <>
      <PageHeader title="Endpoints" />
      <div class={canWrite ? 'split' : ''}>
        <section class="card" aria-labelledby="endpoint-list-title">
          <h2 id="endpoint-list-title">{portal ? 'Your endpoints' : 'All endpoints'}</h2>
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
        </section>
        {canWrite && (
          <section class="card" aria-labelledby="endpoint-create-title">
            <h2 id="endpoint-create-title">New endpoint</h2>
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
            <EndpointForm
              initial={emptyEndpointForm()}
              submitLabel="Create endpoint"
              pending={create.pending}
              error={create.error}
              catalog={catalog}
              showChannels={!portal}
              onSubmit={submit}
            />
          </section>
        )}
      </div>
    </>
  );
}
