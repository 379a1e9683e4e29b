import { useEffect, useState } from 'preact/hooks';
import type { HooklineEvent } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { SearchForm } from '../../components/SearchForm';
import { JsonBlock } from '../../components/JsonBlock';
import { PageHeader } from '../../components/Shell';
import { StatusBadge } from '../../components/StatusBadge';
import { Time } from '../../components/Time';
import { useAccess } from '../../hooks/api-context';
import { useAction } from '../../hooks/use-action';
import { href, navigate } from '../../hooks/use-hash-route';

/** Find an event by its id (`evt_…`) or every event of a correlation id (`call_id`); show payload and deliveries. */
export function EventsPage({ id }: { id?: string }) {
  const { api } = useAccess();
  const [found, setFound] = useState<HooklineEvent[] | undefined>(undefined);
  const search = useAction(
    async (value: string) => (value.startsWith('evt_') ? [await api.getEvent(value)] : (await api.findEventsByCallId(value)).events),
    setFound,
  );
  const run = (value: string) => {
    setFound(undefined);
    search.start(value.trim());
  };
  // Only a new id in the address loads again (`run` is a new closure on every render).
  useEffect(() => {
    if (!id) return;
    run(id);
  }, [id]);

  return (
    <>
      <PageHeader title="Events" />
      <SearchForm
        key={id}
        id="event-query"
        label="Event id or call_id"
        hint="An id starts with evt_; anything else is looked up as a call_id."
        initial={id}
        error={search.error?.message}
        pending={search.pending}
        button="Find"
        // An id gets its own address (shareable, and Logs links to it); the effect loads it.
        onSearch={(value) => (value.startsWith('evt_') && value !== id ? navigate('events', value) : run(value))}
      />
      {found?.length === 0 && <p class="empty">No event has this call_id.</p>}
      {found?.map((event) => (
        <section class="card" key={event.event_id} aria-label={`Event ${event.event_id}`}>
          <h2>
            {event.event_type} <span class="mono muted">{event.event_id}</span>
          </h2>
          <dl class="facts">
            <dt>Published</dt>
            <dd>
              <Time value={event.created_at} />
            </dd>
            {event.channel && (
              <>
                <dt>Channel</dt>
                <dd>{event.channel}</dd>
              </>
            )}
            {event.call_id && (
              <>
                <dt>call_id</dt>
                <dd class="mono">{event.call_id}</dd>
              </>
            )}
            {event.status === 'rejected' && (
              <>
                <dt>Rejected</dt>
                <dd class="field-error">{event.reject_reason}</dd>
              </>
            )}
          </dl>
          <h3>Payload</h3>
          <JsonBlock value={event.data} label={`Payload of ${event.event_id}`} />
          <h3>Deliveries</h3>
          {event.deliveries.length === 0 ? (
            <p class="empty">No endpoint matched this event.</p>
          ) : (
            <ul class="list">
              {event.deliveries.map((delivery) => (
                <li key={delivery.log_id} class="list__item">
                  <a href={href('logs', delivery.log_id)} class="mono">
                    {delivery.log_id}
                  </a>
                  <span class="muted">
                    {delivery.attempts} attempt{delivery.attempts === 1 ? '' : 's'}
                  </span>
                  <StatusBadge status={delivery.status} />
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
      {search.error && search.error.details.length > 0 && <ErrorMessage error={search.error} />}
    </>
  );
}
