// A typed numeric field: label, text input, optional hint, and the validation message beside it.
import { useConfigStore, useValidation } from '../store/configStore';
import type { NumericField as FieldName } from '../config/validate';
import { TextField } from './TextInput';

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
  return (
    <TextField id={`field-${field}`} label={label} value={text} onChange={(t) => setText(field, t)} error={error} hint={hint} placeholder={placeholder} inputMode={inputMode} />
  );
}
