import { useState } from 'preact/hooks';
import { ConfirmButton } from '../../components/ConfirmButton';
import { CopyField } from '../../components/CopyField';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { SearchForm } from '../../components/SearchForm';
import { PageHeader } from '../../components/Shell';
import { Loaded } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import { Time } from '../../components/Time';
import { fieldErrors } from '../../hooks/field-errors';
import { useAccess } from '../../hooks/api-context';
import { submitHandler, useAction } from '../../hooks/use-action';
import { useResource } from '../../hooks/use-resource';
import { Card } from '../../components/Card';
import { ActionButton } from '../../components/ActionButton';
import { Table, type Column } from '../../components/Table';

const EXECUTION_COLUMNS: Column[] = [{ label: 'Event type' }, { label: 'Result' }, { label: 'HTTP' }, { label: 'Duration' }, { label: 'When', narrow: false }];

/** Channel webhooks (one URL per resource): look one up, set or clear its URL, regenerate its token, read its executions. */
export function ChannelsPage() {
  const [channel, setChannel] = useState<string | undefined>(undefined);
  return (
    <>
      <PageHeader title="Channels" />
      <SearchForm id="channel-name" label="Channel" hint="e.g. queue:165" button="Look up" onSearch={setChannel} />
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
  const changed = () => {
    webhook.reload();
    executions.reload();
  };
  const save = useAction(() => api.setChannelWebhook(channel, url.trim()), changed);
  const clear = useAction(() => api.clearChannelWebhook(channel), changed);
  const regenerate = useAction(() => api.regenerateChannelToken(channel), changed);
  const { byField, rest } = fieldErrors(save.error, ['url']);

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
        <form class="form" noValidate onSubmit={submitHandler(save.start)}>
          <Field id="channel-url" label="Webhook URL" error={byField.url}>
            {(props) => <input {...props} type="url" value={url} onInput={(e) => setUrl(e.currentTarget.value)} />}
          </Field>
          <ErrorMessage error={save.error} details={rest} />
          <div class="actions">
            <button type="submit" class="button button--primary" disabled={save.pending}>
              Set URL
            </button>
            <ActionButton action={regenerate}>Regenerate token</ActionButton>
            <ConfirmButton label="Clear" question="Remove this channel's webhook?" onConfirm={clear.start} />
          </div>
          <ErrorMessage error={regenerate.error ?? clear.error} />
        </form>
      </section>
      <Card id="executions" title="Executions">
        <Loaded resource={executions} isEmpty={(data) => data.logs.length === 0} empty={<p>No executions yet.</p>}>
          {(data) => (
            <>
              <Table columns={EXECUTION_COLUMNS}>
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
              </Table>
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
      </Card>
    </>
  );
}
