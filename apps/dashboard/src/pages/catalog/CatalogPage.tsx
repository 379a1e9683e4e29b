import { JsonBlock } from '../../components/JsonBlock';
import { PageHeader } from '../../components/Shell';
import { Loaded } from '../../components/States';
import { useEventTypes } from '../event-types/use-event-types';
import { examplePayload } from './example-payload';

/** The portal's event catalog: what each event type means, its JSON Schema and an example payload. */
export function CatalogPage() {
  const types = useEventTypes();
  return (
    <>
      <PageHeader title="Event catalog" />
      <Loaded resource={types} isEmpty={(data) => data.event_types.length === 0} empty={<p>No event types are described yet.</p>}>
        {(data) => (
          <div class="stack">
            {data.event_types.map((type) => (
              <section class="card" key={type.name} aria-label={type.name}>
                <h2 class="mono">{type.name}</h2>
                <p>{type.description ?? <span class="muted">No description.</span>}</p>
                {type.schema ? (
                  <div class="split">
                    <div>
                      <h3>JSON Schema</h3>
                      <JsonBlock value={type.schema} label={`JSON Schema of ${type.name}`} />
                    </div>
                    <div>
                      <h3>Example payload</h3>
                      <JsonBlock value={examplePayload(type.schema)} label={`Example payload of ${type.name}`} />
                    </div>
                  </div>
                ) : (
                  <p class="muted">Any JSON object (no schema).</p>
                )}
              </section>
            ))}
          </div>
        )}
      </Loaded>
    </>
  );
}
