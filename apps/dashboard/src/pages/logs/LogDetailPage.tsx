import { useState } from 'preact/hooks';
import type { LogDetail } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PageHeader } from '../../components/Shell';
import { DetailPage } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import { Time } from '../../components/Time';
import { useAccess } from '../../hooks/api-context';
import { useAction } from '../../hooks/use-action';
import { href } from '../../hooks/use-hash-route';
import { useLog } from './use-logs';
import { Card } from '../../components/Card';
import { ActionButton } from '../../components/ActionButton';

/** One delivery: what was sent where, every attempt with its answer, and Retry. */
export function LogDetailPage({ id }: { id: string }) {
  const log = useLog(id);
  return (
    <DetailPage back={['logs', 'Logs']} resource={log}>
      {(data) => <Delivery log={data} onRetried={log.reload} />}
    </DetailPage>
  );
}

function Delivery({ log, onRetried }: { log: LogDetail; onRetried: () => void }) {
  const { api, canWrite, portal } = useAccess();
  const [retried, setRetried] = useState(false);
  const retry = useAction(
    () => api.retryLog(log.id),
    () => {
      setRetried(true);
      onRetried();
    },
  );
  return (
    <>
      <PageHeader title={log.event_type}>
        <StatusBadge status={log.status} />
        {canWrite && (
          <ActionButton action={retry} primary>
            Retry
          </ActionButton>
        )}
      </PageHeader>
      {retried && <p role="status">Queued for another attempt; it appears below when it has run.</p>}
      <ErrorMessage error={retry.error} />
      <Card id="delivery" title="Delivery">
        <dl class="facts">
          <dt>Delivery id</dt>
          <dd class="mono">{log.id}</dd>
          <dt>Event</dt>
          <dd class="mono">{portal ? log.event_id : <a href={href('events', log.event_id)}>{log.event_id}</a>}</dd>
          <dt>Endpoint URL</dt>
          <dd class="mono break">{log.target_url}</dd>
          <dt>Created</dt>
          <dd>
            <Time value={log.created_at} />
          </dd>
          <dt>Next attempt</dt>
          <dd>
            <Time value={log.next_attempt_at} />
          </dd>
        </dl>
      </Card>
      <Card id="attempts" title={<>Attempts ({log.attempts_detail.length})</>}>
        {log.attempts_detail.length === 0 ? (
          <p class="empty">No attempt yet: the first one is on its way.</p>
        ) : (
          <ol class="attempts">
            {log.attempts_detail.map((attempt) => (
              <li key={attempt.id} class="attempt">
                <div class="attempt__head">
                  <strong>Attempt {attempt.attempt}</strong>
                  <StatusBadge status={attempt.request_status === 'success' ? 'delivered' : 'failed'} />
                  <span>HTTP {attempt.response_status ?? 'none'}</span>
                  <span>{attempt.duration_ms} ms</span>
                  <Time value={attempt.started_at} />
                </div>
                {attempt.error_message && <p class="field-error">{attempt.error_message}</p>}
                {attempt.response_body && (
                  <pre class="json" tabIndex={0} aria-label={`Response body of attempt ${attempt.attempt}`}>
                    {attempt.response_body}
                  </pre>
                )}
              </li>
            ))}
          </ol>
        )}
      </Card>
    </>
  );
}
