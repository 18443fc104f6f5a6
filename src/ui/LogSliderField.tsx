// A log-scale range slider with a typed input beside it (α₀, β). The typed input carries the
// field's accessible name; the slider has its own name without the symbol.
import { useConfigStore, useValidation } from '../store/configStore';
import {
  formatForPeople,
  logToSlider,
  parseNumber,
  sliderToLog,
  type LogRange,
  type NumericField,
} from '../config/validate';
import { FieldNotes, TextInput } from './TextInput';

interface Props {
  field: NumericField;
  /** The typed input's accessible name, e.g. "α₀ (initial learning rate)". */
  label: string;
  /** The slider's accessible name. */
  sliderLabel: string;
  range: LogRange;
  /** Slider steps per decade. */
  stepsPerDecade?: number;
  hint?: string;
}

export function LogSliderField({ field, label, sliderLabel, range, stepsPerDecade = 10, hint }: Props) {
  const text = useConfigStore((s) => s.texts[field]);
  const setText = useConfigStore((s) => s.setText);
  const error = useValidation().errors[field];
  const steps = Math.round(Math.log10(range.max / range.min) * stepsPerDecade);
  const parsed = parseNumber(text);
  const pos = parsed !== null && parsed > 0 ? logToSlider(parsed, range, steps) : 0;
  const id = `field-${field}`;
  return (
    <div className={`field log-field${error ? ' invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <div className="log-row">
        <input
          className="log-slider"
          type="range"
          min={0}
          max={steps}
          step={1}
          value={pos}
          aria-label={sliderLabel}
          aria-valuetext={parsed !== null ? formatForPeople(parsed) : text}
          onChange={(e) => setText(field, formatForPeople(sliderToLog(Number(e.target.value), range, steps)))}
        />
        <TextInput id={id} className="log-text" value={text} onChange={(t) => setText(field, t)} error={error} hint={hint} />
      </div>
      <FieldNotes id={id} hint={hint} error={error} />
    </div>
  );
}
