import { useState } from 'preact/hooks';
import { CopyField } from '../../components/CopyField';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useAccess } from '../../hooks/api-context';
import { useAction } from '../../hooks/use-action';

/** The signing secret: hidden until asked for; rotation keeps the old one valid for a day. */
export function SecretPanel({ endpointId }: { endpointId: string }) {
  const { api, canWrite } = useAccess();
  const [secret, setSecret] = useState<string | undefined>(undefined);
  const [rotatedNote, setRotatedNote] = useState<string | undefined>(undefined);
  const reveal = useAction(() => api.getEndpointSecret(endpointId));
  const rotate = useAction(() => api.rotateEndpointSecret(endpointId));
  return (
    <section class="card" aria-labelledby="secret-title">
      <h2 id="secret-title">Signing secret</h2>
      {secret ? (
        <CopyField id="endpoint-secret" label="Secret" value={secret} />
      ) : (
        <button
          type="button"
          class="button"
          disabled={reveal.pending}
          onClick={async () => {
            const answer = await reveal.run();
            if (answer) setSecret(answer.secret);
          }}
        >
          Reveal secret
        </button>
      )}
      {canWrite && (
        <button
          type="button"
          class="button"
          disabled={rotate.pending}
          onClick={async () => {
            const answer = await rotate.run();
            if (!answer) return;
            setSecret(answer.secret);
            setRotatedNote(`The previous secret still signs until ${new Date(answer.previous_secret_expires_at).toLocaleString()}.`);
          }}
        >
          Rotate secret
        </button>
      )}
      {rotatedNote && <p role="status">{rotatedNote}</p>}
      <ErrorMessage error={reveal.error ?? rotate.error} />
    </section>
  );
}
