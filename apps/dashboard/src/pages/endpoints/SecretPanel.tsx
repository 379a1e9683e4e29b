import { useState } from 'preact/hooks';
import { CopyField } from '../../components/CopyField';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useAccess } from '../../hooks/api-context';
import { useAction } from '../../hooks/use-action';
import { Card } from '../../components/Card';
import { ActionButton } from '../../components/ActionButton';

/** What verifies an endpoint's requests: its HMAC secret, or an ed25519 endpoint's public key (which cannot sign). */
type VerificationKey = { secret: string } | { public_key: string };

/** The signing secret (or public key): hidden until asked for; rotation keeps the old one valid for a day. */
export function SecretPanel({ endpointId }: { endpointId: string }) {
  const { api, canWrite } = useAccess();
  const [secret, setSecret] = useState<VerificationKey | undefined>(undefined);
  const [rotatedNote, setRotatedNote] = useState<string | undefined>(undefined);
  const reveal = useAction(() => api.getEndpointSecret(endpointId), setSecret);
  const rotate = useAction(
    () => api.rotateEndpointSecret(endpointId),
    (answer) => {
      if ('secret' in answer) {
        setSecret({ secret: answer.secret });
        setRotatedNote(`The previous secret still signs until ${new Date(answer.previous_secret_expires_at).toLocaleString()}.`);
      } else {
        setSecret({ public_key: answer.public_key });
        setRotatedNote(`The previous key still signs until ${new Date(answer.previous_public_key_expires_at).toLocaleString()}.`);
      }
    },
  );
  return (
    <Card id="secret" title="Signing secret">
      {secret ? (
        'secret' in secret ? (
          <CopyField id="endpoint-secret" label="Secret" value={secret.secret} />
        ) : (
          <CopyField id="endpoint-secret" label="Public key" value={secret.public_key} />
        )
      ) : (
        <ActionButton action={reveal}>Reveal secret</ActionButton>
      )}
      {canWrite && <ActionButton action={rotate}>Rotate secret</ActionButton>}
      {rotatedNote && <p role="status">{rotatedNote}</p>}
      <ErrorMessage error={reveal.error ?? rotate.error} />
    </Card>
  );
}
