import { useState } from 'preact/hooks';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { fieldErrors } from '../../hooks/field-errors';
import { useAccess } from '../../hooks/api-context';
import { submitHandler, useAction } from '../../hooks/use-action';
import { Card } from '../../components/Card';

const localInput = (date: Date) => new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
const toIso = (local: string) => (local ? new Date(local).toISOString() : '');

/** Re-send the endpoint's failed deliveries created in a time window (at most 14 days). */
export function RecoverForm({ endpointId, onRecovered }: { endpointId: string; onRecovered: () => void }) {
  const { api } = useAccess();
  const [since, setSince] = useState(() => localInput(new Date(Date.now() - 24 * 3600_000)));
  const [until, setUntil] = useState('');
  const [result, setResult] = useState<number | undefined>(undefined);
  const recover = useAction(
    () => api.recoverEndpoint(endpointId, { since: toIso(since), ...(until ? { until: toIso(until) } : {}) }),
    (answer) => {
      setResult(answer.recovered);
      onRecovered();
    },
  );
  const { byField, rest } = fieldErrors(recover.error, ['since', 'until']);
  return (
    <Card id="recover" title="Recover failed deliveries">
      <form class="form" noValidate onSubmit={submitHandler(recover.start)}>
        <div class="row">
          <Field id="recover-since" label="Since" error={byField.since}>
            {(props) => <input {...props} type="datetime-local" value={since} onInput={(e) => setSince(e.currentTarget.value)} />}
          </Field>
          <Field id="recover-until" label="Until (empty: now)" error={byField.until}>
            {(props) => <input {...props} type="datetime-local" value={until} onInput={(e) => setUntil(e.currentTarget.value)} />}
          </Field>
        </div>
        <ErrorMessage error={recover.error} details={rest} />
        <button type="submit" class="button" disabled={recover.pending}>
          Recover
        </button>
        {result !== undefined && <p role="status">{result === 1 ? '1 delivery' : `${result} deliveries`} sent again.</p>}
      </form>
    </Card>
  );
}
