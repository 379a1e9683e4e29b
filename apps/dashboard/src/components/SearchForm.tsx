import { useState } from 'preact/hooks';
import { Field } from './Field';

interface SearchFormProps {
  id: string;
  label: string;
  hint: string;
  /** What the box starts with (a value from the address). */
  initial?: string;
  error?: string;
  pending?: boolean;
  button: string;
  /** Called with the trimmed, non-empty value when the user searches. */
  onSearch: (value: string) => void;
}

/** A page's one search box (role="search"): a labelled field and its button. */
export function SearchForm({ id, label, hint, initial = '', error, pending, button, onSearch }: SearchFormProps) {
  const [draft, setDraft] = useState(initial);
  return (
    <form
      class="card form form--inline"
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        if (draft.trim()) onSearch(draft.trim());
      }}
    >
      <Field id={id} label={label} error={error} hint={hint}>
        {(props) => <input {...props} type="search" value={draft} onInput={(e) => setDraft(e.currentTarget.value)} />}
      </Field>
      <button type="submit" class="button button--primary" disabled={pending || !draft.trim()}>
        {button}
      </button>
    </form>
  );
}
