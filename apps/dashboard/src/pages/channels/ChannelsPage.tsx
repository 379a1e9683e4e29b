import { useState } from 'preact/hooks';
import { ConfirmButton } from '../../components/ConfirmButton';
import { CopyField } from '../../components/CopyField';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { PageHeader } from '../../components/Shell';
import { Loaded } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import { Time } from '../../components/Time';
import { fieldErrors } from '../../hooks/field-errors';
import { useAccess } from '../../hooks/api-context';
import { useAction } from '../../hooks/use-action';
import { useResource } from '../../hooks/use-resource';

/** Channel webhooks (one URL per resource): look one up, set or clear its URL, regenerate its token, read its executions. */
export function ChannelsPage() {
  const [draft, setDraft] = useState('');
  const [channel, setChannel] = useState<string | undefined>(undefined);
  return (
    <>
      <PageHeader title="Channels" />
      <form
        class="card form form--inline"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          if (draft.trim()) setChannel(draft.trim());
        }}
      >
        <Field id="channel-name" label="Channel" hint="e.g. queue:165">
          {(props) => <input {...props} type="search" value={draft} onInput={(e) => setDraft(e.currentTarget.value)} />}
        </Field>
        <button type="submit" class="button button--primary">
          Look up
        </button>
      </form>
      {channel && <ChannelWebhook key={channel} channel={channel} />}
    </>
  );
}

function ChannelWebhook({ channel }: { channel: string }) {
  const { api } = useAccess();
  const webhook = useResource(() => api.getChannelWebhook(channel), [channel]);
  const [url, setUrl] = useState('');
  const [page, setPage] = useState(1);
  const executions = useResource(() => api.listChannelExecutions(channel, page), [channel, page]);
  const save = useAction(() => api.setChannelWebhook(channel, url.trim()));
  const clear = useAction(() => api.clearChannelWebhook(channel).then(() => true));
  const regenerate = useAction(() => api.regenerateChannelToken(channel));
  const { byField, rest } = fieldErrors(save.error, ['url']);
  const changed = () => {
    webhook.reload();
    executions.reload();
  };

  return (
    <>
      <section class="card" aria-labelledby="channel-title">
        <h2 id="channel-title">
          Webhook of <span class="mono">{channel}</span>
        </h2>
        <Loaded resource={webhook}>
          {(data) => (
            <>
              <p>{data.url ? <span class="mono break">{data.url}</span> : 'No webhook URL set.'}</p>
              {data.token && <CopyField id="channel-token" label="Token" value={data.token} />}
            </>
          )}
        </Loaded>
        <form
          class="form"
          noValidate
          onSubmit={async (event) => {
            event.preventDefault();
            if (await save.run()) changed();
          }}
        >
          <Field id="channel-url" label="Webhook URL" error={byField.url}>
            {(props) => <input {...props} type="url" value={url} onInput={(e) => setUrl(e.currentTarget.value)} />}
          </Field>
          <ErrorMessage error={save.error} details={rest} />
          <div class="actions">
            <button type="submit" class="button button--primary" disabled={save.pending}>
              Set URL
            </button>
            <button
              type="button"
              class="button"
              disabled={regenerate.pending}
              onClick={async () => {
                if (await regenerate.run()) changed();
              }}
            >
              Regenerate token
            </button>
            <ConfirmButton
              label="Clear"
              question="Remove this channel's webhook?"
              onConfirm={async () => {
                if (await clear.run()) changed();
              }}
            />
          </div>
          <ErrorMessage error={regenerate.error ?? clear.error} />
        </form>
      </section>
      <section class="card" aria-labelledby="executions-title">
        <h2 id="executions-title">Executions</h2>
        <Loaded resource={executions} isEmpty={(data) => data.logs.length === 0} empty={<p>No executions yet.</p>}>
          {(data) => (
            <>
              <div class="table-wrap">
                <table class="table">
                  <thead>
                    <tr>
                      <th scope="col">Event type</th>
                      <th scope="col">Result</th>
                      <th scope="col">HTTP</th>
                      <th scope="col">Duration</th>
                      <th scope="col" class="hide-narrow">
                        When
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.logs.map((execution) => (
                      <tr key={execution.id}>
                        <td>{execution.event_type}</td>
                        <td>
                          <StatusBadge status={execution.request_status === 'success' ? 'delivered' : 'failed'} />
                          {execution.error_message && <span class="field-error"> {execution.error_message}</span>}
                        </td>
                        <td>{execution.response_status ?? '—'}</td>
                        <td>{execution.duration_ms} ms</td>
                        <td class="hide-narrow">
                          <Time value={execution.created_at} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <nav class="pager" aria-label="Executions pages">
                <button type="button" class="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
                  Previous
                </button>
                <span>
                  Page {data.page} of {Math.max(1, data.page_count)}
                </span>
                <button type="button" class="button" disabled={page >= data.page_count} onClick={() => setPage(page + 1)}>
                  Next
                </button>
              </nav>
            </>
          )}
        </Loaded>
      </section>
    </>
  );
}
