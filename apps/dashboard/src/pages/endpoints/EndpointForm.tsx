import { useState } from 'preact/hooks';
import { ChipField } from '../../components/ChipInput';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { fieldErrors } from '../../hooks/field-errors';
import { ENDPOINT_FIELDS, type EndpointFormState } from './endpoint-form-state';
import { useAccess } from '../../hooks/api-context';
import { submitHandler, type Action } from '../../hooks/use-action';
import { useCatalogNames } from './use-endpoints';

interface EndpointFormProps {
  initial: EndpointFormState;
  submitLabel: string;
  /** What saves the form; the form shows its pending state and errors, and starts again from `initial` once it succeeded. */
  action: Action<[EndpointFormState], unknown>;
}

/**
 * Create or edit an endpoint; the API's complaints appear under the field they name. The Events box offers the
 * catalog's event types; portal forms have no channels (a tenant's endpoints are on its channel).
 */
export function EndpointForm({ initial, submitLabel, action }: EndpointFormProps) {
  const { portal } = useAccess();
  const showChannels = !portal;
  const catalog = useCatalogNames();
  const { pending, error } = action;
  const [form, setForm] = useState(initial);
  const set = <K extends keyof EndpointFormState>(key: K, value: EndpointFormState[K]) => setForm((current) => ({ ...current, [key]: value }));
  const { byField, rest } = fieldErrors(error, ENDPOINT_FIELDS);
  /** What a chip field of the form needs: its id, the API's complaint about it, its values and their setter. */
  const chips = (key: 'events' | 'channels') => ({
    id: `endpoint-${key}`,
    error: byField[key],
    values: form[key],
    onChange: (values: string[]) => set(key, values),
  });
  const advancedHasError = ['channels', 'headers', 'max_attempts', 'rate_limit_per_second', 'payload_format'].some((key) => byField[key]);

  return (
    <form
      class="form"
      noValidate
      onSubmit={submitHandler(async () => {
        if ((await action.run(form)) !== undefined) setForm(initial);
      })}
    >
      <Field id="endpoint-name" label="Name" error={byField.name}>
        {(props) => <input {...props} type="text" value={form.name} onInput={(e) => set('name', e.currentTarget.value)} />}
      </Field>
      <Field id="endpoint-url" label="URL" error={byField.url} hint="Where Hookline POSTs each event, e.g. https://example.com/webhooks">
        {(props) => <input {...props} type="url" inputMode="url" value={form.url} onInput={(e) => set('url', e.currentTarget.value)} />}
      </Field>
      <ChipField {...chips('events')} label="Events" hint="Type an event type or a wildcard (order.*, *) and press Enter." suggestions={catalog} />
      <details class="advanced" open={advancedHasError || undefined}>
        <summary>Advanced settings</summary>
        {showChannels && <ChipField {...chips('channels')} label="Channels" hint="Only events published on these channels. Empty: every channel." />}
        <Field id="endpoint-headers" label="Custom headers" error={byField.headers} hint="One per line: Header-Name: value">
          {(props) => <textarea {...props} rows={3} value={form.headers} onInput={(e) => set('headers', e.currentTarget.value)} />}
        </Field>
        <div class="row">
          <Field id="endpoint-max-attempts" label="Max attempts" error={byField.max_attempts}>
            {(props) => <input {...props} type="number" min={1} value={form.max_attempts} onInput={(e) => set('max_attempts', e.currentTarget.value)} />}
          </Field>
          <Field id="endpoint-rate-limit" label="Rate limit (per second)" error={byField.rate_limit_per_second}>
            {(props) => (
              <input {...props} type="number" min={1} value={form.rate_limit_per_second} onInput={(e) => set('rate_limit_per_second', e.currentTarget.value)} />
            )}
          </Field>
        </div>
        <Field id="endpoint-payload-format" label="Payload format" error={byField.payload_format}>
          {(props) => (
            <select
              {...props}
              value={form.payload_format}
              onChange={(e) => set('payload_format', e.currentTarget.value as EndpointFormState['payload_format'])}
            >
              <option value="envelope">Envelope (event type, id and data)</option>
              <option value="data">Data only</option>
            </select>
          )}
        </Field>
      </details>
      <ErrorMessage error={error} details={rest} />
      <button type="submit" class="button button--primary" disabled={pending}>
        {pending ? 'Saving…' : submitLabel}
      </button>
    </form>
  );
}
