import { useState } from 'preact/hooks';
import { DELIVERY_STATUSES } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { Pager } from '../../components/Pager';
import { PageHeader } from '../../components/Shell';
import { Loaded } from '../../components/States';
import { useEndpoints } from '../endpoints/use-endpoints';
import { LogTable } from './LogTable';
import { LOGS_POLL_MS, useLogs } from './use-logs';

const PAGE_SIZE = 25;

/** Every delivery, newest first, with filters and paging; polls so new deliveries show up on their own. */
export function LogsPage() {
  const [status, setStatus] = useState('');
  const [eventType, setEventType] = useState('');
  const [endpoint, setEndpoint] = useState('');
  const [offset, setOffset] = useState(0);
  const endpoints = useEndpoints();
  const logs = useLogs({ status, event_type: eventType.trim(), endpoint, limit: PAGE_SIZE, offset });
  const filter = (apply: () => void) => {
    apply();
    setOffset(0);
  };
  // Status and event type filter the organization-wide list; an endpoint's own list has neither.
  const byEndpoint = endpoint !== '';

  return (
    <>
      <PageHeader title="Logs">
        <span class="live" title={`Refreshed every ${LOGS_POLL_MS / 1000} s`}>
          <span class="live__dot" aria-hidden="true" />
          Live
        </span>
      </PageHeader>
      <form class="card filters" role="search" aria-label="Filter deliveries" onSubmit={(event) => event.preventDefault()}>
        <Field id="filter-status" label="Status">
          {(props) => (
            <select {...props} value={status} disabled={byEndpoint} onChange={(e) => filter(() => setStatus(e.currentTarget.value))}>
              <option value="">Any status</option>
              {DELIVERY_STATUSES.map((value) => (
                <option key={value} value={value}>
                  {value}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="filter-event-type" label="Event type">
          {(props) => (
            <input
              {...props}
              type="search"
              value={eventType}
              disabled={byEndpoint}
              placeholder="e.g. order.paid"
              onChange={(e) => filter(() => setEventType(e.currentTarget.value))}
            />
          )}
        </Field>
        <Field id="filter-endpoint" label="Endpoint">
          {(props) => (
            <select {...props} value={endpoint} onChange={(e) => filter(() => setEndpoint(e.currentTarget.value))}>
              <option value="">All endpoints</option>
              {endpoints.data?.subscriptions.map((item) => (
                <option key={item.id} value={item.id}>
                  {item.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </form>
      <section class="card" aria-label="Deliveries">
        {logs.error && logs.data && <ErrorMessage error={logs.error} />}
        <Loaded resource={logs} isEmpty={(data) => data.logs.length === 0} empty={<p>No deliveries match. New ones appear here as events are published.</p>}>
          {(data) => (
            <>
              <LogTable logs={data.logs} />
              <Pager label="Deliveries pages" offset={offset} limit={PAGE_SIZE} total={data.total} onChange={setOffset} />
            </>
          )}
        </Loaded>
      </section>
    </>
  );
}
