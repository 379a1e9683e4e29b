import { useState } from 'preact/hooks';
import type { EventType } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { fieldErrors } from '../../hooks/field-errors';
import { submitHandler, type Action } from '../../hooks/use-action';

export interface EventTypeFormValues {
  name: string;
  description: string | null;
  schema: Record<string, unknown> | null;
}

/**
 * Create (name editable) or edit an event type. The JSON Schema is typed as text: text that is not
 * JSON is caught here; a schema the API refuses gets its message under the editor.
 */
export function EventTypeForm({
  existing,
  action,
}: {
  existing?: EventType;
  /** What saves the values; the form shows its pending state and errors (a new type's form empties once it succeeded). */
  action: Action<[EventTypeFormValues], unknown>;
}) {
  const { pending, error } = action;
  const [name, setName] = useState(existing?.name ?? '');
  const [description, setDescription] = useState(existing?.description ?? '');
  const [schemaText, setSchemaText] = useState(existing?.schema ? JSON.stringify(existing.schema, null, 2) : '');
  const [jsonError, setJsonError] = useState<string | undefined>(undefined);
  const { byField, rest } = fieldErrors(error, ['name', 'description', 'schema']);

  const submit = submitHandler(async () => {
    let schema: Record<string, unknown> | null = null;
    if (schemaText.trim()) {
      try {
        schema = JSON.parse(schemaText) as Record<string, unknown>;
      } catch (failure) {
        return setJsonError(`Not valid JSON: ${(failure as Error).message}`);
      }
    }
    setJsonError(undefined);
    if ((await action.run({ name: name.trim(), description: description.trim() || null, schema })) !== undefined && !existing) {
      setName('');
      setDescription('');
      setSchemaText('');
    }
  });

  return (
    <form class="form" noValidate onSubmit={submit}>
      {!existing && (
        <Field id="event-type-name" label="Name" error={byField.name} hint="e.g. order.paid">
          {(props) => <input {...props} type="text" value={name} onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
      )}
      <Field id="event-type-description" label="Description" error={byField.description}>
        {(props) => <input {...props} type="text" value={description} onInput={(e) => setDescription(e.currentTarget.value)} />}
      </Field>
      <Field
        id={existing ? `event-type-schema-${existing.name}` : 'event-type-schema'}
        label="JSON Schema of data"
        error={jsonError ?? byField.schema}
        hint="Optional. Events whose data does not match are refused at intake."
      >
        {(props) => <textarea {...props} class="code" rows={10} spellcheck={false} value={schemaText} onInput={(e) => setSchemaText(e.currentTarget.value)} />}
      </Field>
      <ErrorMessage error={error} details={rest} />
      <button type="submit" class="button button--primary" disabled={pending}>
        {existing ? 'Save event type' : 'Create event type'}
      </button>
    </form>
  );
}
