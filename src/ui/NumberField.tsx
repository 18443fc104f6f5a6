// A typed numeric field: label, text input, optional hint, and the validation message beside it.
import { useConfigStore, useValidation } from '../store/configStore';
import type { NumericField as FieldName } from '../store/validate';
import { FieldNotes, TextInput } from './TextInput';

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
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <TextInput id={id} value={text} onChange={(t) => setText(field, t)} error={error} hint={hint} placeholder={placeholder} inputMode={inputMode} />
      <FieldNotes id={id} hint={hint} error={error} />
    </div>
  );
}
