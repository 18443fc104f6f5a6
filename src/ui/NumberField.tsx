// A typed numeric field: label, text input, optional hint, and the validation message beside it.
import { useConfigStore, useValidation } from '../store/configStore';
import type { NumericField as FieldName } from '../store/validate';
import { FieldError } from './FieldError';

interface Props {
  field: FieldName;
  /** The accessible name (exact). */
  label: string;
  hint?: string;
  placeholder?: string;
  inputMode?: 'decimal' | 'numeric';
}

export function NumberField({ field, label, hint, placeholder, inputMode = 'decimal' }: Props) {
  const text = useConfigStore((s) => s.texts[field]);
  const setText = useConfigStore((s) => s.setText);
  const error = useValidation().errors[field];
  const id = `field-${field}`;
  const errId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [error ? errId : null, hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        inputMode={inputMode}
        autoComplete="off"
        spellCheck={false}
        value={text}
        placeholder={placeholder}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        onChange={(e) => setText(field, e.target.value)}
      />
      {hint && (
        <span id={hintId} className="field-hint">
          {hint}
        </span>
      )}
      <FieldError id={errId} message={error} />
    </div>
  );
}
