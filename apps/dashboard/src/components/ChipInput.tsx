import { useState } from 'preact/hooks';
import { Field } from './Field';

interface ChipInputProps {
  id: string;
  values: string[];
  onChange: (values: string[]) => void;
  /** Offered while typing (the event catalog); anything else may be typed too, e.g. `order.*`. */
  suggestions?: string[];
  placeholder?: string;
  invalid?: boolean;
  describedBy?: string;
}

/** A text box that turns each entry into a chip when Enter (or a comma) is pressed. */
export function ChipInput({ id, values, onChange, suggestions = [], placeholder, invalid, describedBy }: ChipInputProps) {
  const [draft, setDraft] = useState('');
  const add = () => {
    const value = draft.trim();
    if (value && !values.includes(value)) onChange([...values, value]);
    setDraft('');
  };
  return (
    <div class="chips">
      {values.length > 0 && (
        <ul class="chips__list" aria-label="Selected">
          {values.map((value) => (
            <li class="chip" key={value}>
              <span>{value}</span>
              <button type="button" class="chip__remove" aria-label={`Remove ${value}`} onClick={() => onChange(values.filter((v) => v !== value))}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <input
        id={id}
        type="text"
        value={draft}
        list={suggestions.length > 0 ? `${id}-suggestions` : undefined}
        placeholder={placeholder}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        autocomplete="off"
        onInput={(event) => setDraft(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' || event.key === ',') {
            event.preventDefault();
            add();
          } else if (event.key === 'Backspace' && draft === '' && values.length > 0) {
            onChange(values.slice(0, -1));
          }
        }}
        onBlur={add}
      />
      {suggestions.length > 0 && (
        <datalist id={`${id}-suggestions`}>
          {suggestions.map((value) => (
            <option key={value} value={value} />
          ))}
        </datalist>
      )}
    </div>
  );
}

/** A labelled ChipInput: the Field's label, hint and error, wired to the chips' text box. */
export function ChipField({
  id,
  label,
  error,
  hint,
  ...chips
}: { id: string; label: string; error?: string; hint?: string } & Pick<ChipInputProps, 'values' | 'onChange' | 'suggestions'>) {
  return (
    <Field id={id} label={label} error={error} hint={hint}>
      {(props) => <ChipInput {...chips} id={props.id} invalid={props['aria-invalid']} describedBy={props['aria-describedby']} />}
    </Field>
  );
}
