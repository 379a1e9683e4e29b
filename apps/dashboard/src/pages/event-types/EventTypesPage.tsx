import { useState } from 'preact/hooks';
import type { EventType } from '../../api/client';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorMessage } from '../../components/ErrorMessage';
import { JsonBlock } from '../../components/JsonBlock';
import { PageHeader } from '../../components/Shell';
import { Loaded } from '../../components/States';
import { useAccess } from '../../hooks/api-context';
import { useAction } from '../../hooks/use-action';
import { EventTypeForm, type EventTypeFormValues } from './EventTypeForm';
import { useEventTypes } from './use-event-types';
import { Card } from '../../components/Card';

/** The event catalog: list, create, edit (description and JSON Schema), delete. */
export function EventTypesPage() {
  const { api } = useAccess();
  const types = useEventTypes();
  const create = useAction((values: EventTypeFormValues) => api.createEventType(values), types.reload);
  return (
    <>
      <PageHeader title="Event types" />
      <div class="split">
        <Card id="types" title="Catalog">
          <Loaded
            resource={types}
            isEmpty={(data) => data.event_types.length === 0}
            empty={<p>No event types yet. Publishing works without them; a type adds a description and a schema.</p>}
          >
            {(data) => (
              <ul class="list">
                {data.event_types.map((type) => (
                  <EventTypeItem key={type.name} type={type} onChanged={types.reload} />
                ))}
              </ul>
            )}
          </Loaded>
        </Card>
        <Card id="type-create" title="New event type">
          <EventTypeForm action={create} />
        </Card>
      </div>
    </>
  );
}

function EventTypeItem({ type, onChanged }: { type: EventType; onChanged: () => void }) {
  const { api } = useAccess();
  const [editing, setEditing] = useState(false);
  const update = useAction(
    ({ description, schema }: EventTypeFormValues) => api.updateEventType(type.name, { description, schema }),
    () => {
      setEditing(false);
      onChanged();
    },
  );
  const remove = useAction(() => api.deleteEventType(type.name), onChanged);
  return (
    <li class="list__item list__item--block">
      <div class="list__main">
        <strong class="mono">{type.name}</strong>
        <span class="muted">{type.description ?? 'No description'}</span>
      </div>
      {editing ? (
        <EventTypeForm existing={type} action={update} />
      ) : (
        type.schema && (
          <details>
            <summary>JSON Schema</summary>
            <JsonBlock value={type.schema} label={`JSON Schema of ${type.name}`} />
          </details>
        )
      )}
      <div class="actions">
        <button type="button" class="button" onClick={() => setEditing(!editing)} aria-label={`${editing ? 'Cancel editing' : 'Edit'} ${type.name}`}>
          {editing ? 'Cancel' : 'Edit'}
        </button>
        <ConfirmButton label="Delete" question={`Delete ${type.name}?`} onConfirm={remove.start} />
      </div>
      <ErrorMessage error={remove.error} />
    </li>
  );
}
