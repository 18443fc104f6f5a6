// The typed input every text field of the page uses, with its hint and its validation message: one place
// for the accessibility wiring (aria-invalid, aria-describedby → hint and error).
import { FieldError } from './FieldError';

interface Props {
  id: string;
  value: string;
  onChange: (text: string) => void;
  error?: string;
  hint?: string;
  placeholder?: string;
  inputMode?: 'decimal' | 'numeric';
  className?: string;
}

/** The input element itself; its hint and error are rendered by FieldNotes with the same id. */
export function TextInput({ id, value, onChange, error, hint, placeholder, inputMode = 'decimal', className }: Props) {
  const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ') || undefined;
  return (
    <input
      id={id}
      className={className}
      type="text"
      inputMode={inputMode}
      autoComplete="off"
      spellCheck={false}
      value={value}
      placeholder={placeholder}
      aria-invalid={error ? true : undefined}
      aria-describedby={describedBy}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

/** The hint under a field and its validation message (ids `${id}-hint`, `${id}-error`). */
export function FieldNotes({ id, hint, error }: { id: string; hint?: string; error?: string }) {
  return (
    <>
      {hint && (
        <span id={`${id}-hint`} className="field-hint">
          {hint}
        </span>
      )}
      <FieldError id={`${id}-error`} message={error} />
    </>
  );
}

/** A whole text field: label, input, hint and validation message in the page's `.field` layout. */
export function TextField({ label, ...input }: Props & { label: string }) {
  return (
    <div className={`field${input.error ? ' invalid' : ''}`}>
      <label htmlFor={input.id}>{label}</label>
      <TextInput {...input} />
      <FieldNotes id={input.id} hint={input.hint} error={input.error} />
    </div>
  );
}
