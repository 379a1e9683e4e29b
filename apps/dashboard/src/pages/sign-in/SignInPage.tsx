import { useState } from 'preact/hooks';
import { ApiError, createApiClient } from '../../api/client';
import { Field } from '../../components/Field';
import { submitHandler } from '../../hooks/use-action';

/**
 * Sign-in with an organization API key, checked against the API before it is kept. `notice` says
 * why the last session ended (a key refused mid-session).
 */
export function SignInPage({ onSignedIn, notice }: { onSignedIn: (key: string) => void; notice?: string }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [pending, setPending] = useState(false);

  const submit = submitHandler(async () => {
    const candidate = key.trim();
    if (!candidate) return setError('Enter an API key.');
    setPending(true);
    setError(undefined);
    try {
      await createApiClient({ credential: () => candidate }).listEndpoints();
      onSignedIn(candidate);
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : String(failure));
    } finally {
      setPending(false);
    }
  });

  return (
    <main class="sign-in">
      <form class="card sign-in__card" onSubmit={submit} noValidate>
        <h1>
          <span aria-hidden="true">⚓ </span>Hookline
        </h1>
        <p class="muted">Sign in with an organization API key. It stays in this tab only and is forgotten when you sign out or close it.</p>
        {notice && (
          <p class="notice" role="status">
            {notice}
          </p>
        )}
        <Field id="api-key" label="API key" error={error}>
          {(props) => <input {...props} type="password" autocomplete="off" spellcheck={false} value={key} onInput={(e) => setKey(e.currentTarget.value)} />}
        </Field>
        <button type="submit" class="button button--primary" disabled={pending}>
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
