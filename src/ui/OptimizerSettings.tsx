// Per-optimizer settings: one collapsible "Settings: NAME" section per selected optimizer, with a
// control per key of its catalog `tunable` list, grouped model optimizer / learning-rate optimizer /
// reference quirks / safeguards / schedule. Every control's accessible name starts with the
// optimizer's page name ("SGDop-Adamlop: β₁ (lr)", "Adam + learned schedule: Controller"; the prefix is
// visually hidden), so names are unique on the page. A section's controls are rendered only while it is
// open. Adam + learned schedule's Controller is a select (shipped and loaded controllers) with a
// "Load controller" file input (src/store/controllers.ts).
import { useState, type ChangeEvent } from 'react';
import { optimizerInfo, optimizerLabel } from '../optim/catalog';
import { controllerChoices, useControllersStore } from '../store/controllers';
import { SCHEDULE_KINDS, type ScheduleKind } from '../optim/schedules';
import { useConfigStore, useValidation } from '../store/configStore';
import {
  FORBID_NEGATIVE_LABEL,
  GROUP_LEGENDS,
  OPTION_META,
  SCHEDULE_FIELD_META,
  SCHEDULE_KIND_KEY,
  SCHEDULE_KIND_LABELS,
  displayedChecked,
  displayedScheduleKind,
  displayedScheduleText,
  displayedText,
  forbidsNegative,
  hasChanges,
  hasSchedule,
  isLinked,
  OWN_ALPHA0_HINT,
  optionKeysOf,
  scheduleFieldsOf,
  scheduleKey,
  type OptionGroup,
  type OptionKey,
} from '../config/optimizerOptions';
import { FieldError } from './FieldError';
import { FieldNotes, TextInput } from './TextInput';
import { StackBuilder } from './StackBuilder';

const EMPTY: Record<string, string> = {};

function domId(name: string, key: string): string {
  return `os-${name.replace(/[^A-Za-z0-9_-]/g, '_')}-${key.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

function useOptionErrors(name: string): Record<string, string> {
  return useValidation().optionErrors[name] ?? EMPTY;
}

/** Visible short label with the optimizer's name as a visually hidden prefix. */
function Label({ htmlFor, name, text }: { htmlFor: string; name: string; text: string }) {
  return (
    <label htmlFor={htmlFor}>
      <span className="visually-hidden">{optimizerLabel(name)}: </span>
      {text}
    </label>
  );
}

interface TextControlProps {
  name: string;
  controlKey: string;
  label: string;
  hint?: string;
  value: string;
  placeholder?: string;
  inputMode?: 'decimal' | 'numeric';
}

function TextControl({ name, controlKey, label, hint, value, placeholder, inputMode = 'decimal' }: TextControlProps) {
  const setOption = useConfigStore((s) => s.setOption);
  const error = useOptionErrors(name)[controlKey];
  const id = domId(name, controlKey);
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      <Label htmlFor={id} name={name} text={label} />
      <TextInput id={id} value={value} onChange={(t) => setOption(name, controlKey, t)} error={error} hint={hint} placeholder={placeholder} inputMode={inputMode} />
      <FieldNotes id={id} hint={hint} error={error} />
    </div>
  );
}

interface CheckControlProps {
  name: string;
  controlKey: string;
  label: string;
  hint?: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}

function CheckControl({ name, controlKey, label, hint, checked, onChange }: CheckControlProps) {
  const id = domId(name, controlKey);
  const hintId = `${id}-hint`;
  return (
    <div className="check-field">
      <div className="check-row">
        <input
          id={id}
          type="checkbox"
          checked={checked}
          aria-describedby={hint ? hintId : undefined}
          onChange={(e) => onChange(e.target.checked)}
        />
        <Label htmlFor={id} name={name} text={label} />
      </div>
      {hint && (
        <span id={hintId} className="field-hint">
          {hint}
        </span>
      )}
    </div>
  );
}

/** What an empty field means, shown in it (these fields accept empty). */
const PLACEHOLDERS: Partial<Record<OptionKey, string>> = { lrMin: 'off', lrMax: 'off', maxEval: 'default' };
/** Counts: phones offer the number pad. */
const WHOLE_NUMBER_KEYS: ReadonlySet<OptionKey> = new Set<OptionKey>(['updateDEvery', 'dWarmup', 'maxIter', 'maxEval', 'historySize']);

/** A hint that differs by optimizer: ESGD-M accepts β₂ = 1 (its constructor's 0 ≤ β₂ ≤ 1), Adam does not. */
function ownHintOf(key: OptionKey, family: string, hint: string | undefined, alpha0Note?: string): string | undefined {
  if (key === 'alpha0') return alpha0Note ?? OWN_ALPHA0_HINT;
  return key === 'beta2' && family === 'esgd' ? '0 ≤ β₂ ≤ 1' : hint;
}

function OptionControl({ name, optionKey }: { name: string; optionKey: OptionKey }) {
  const texts = useConfigStore((s) => s.perOptimizer[name]);
  const page = useConfigStore((s) => s.texts);
  const setOption = useConfigStore((s) => s.setOption);
  const meta = OPTION_META[optionKey];
  if (meta.kind === 'boolean') {
    return (
      <CheckControl
        name={name}
        controlKey={optionKey}
        label={meta.label}
        hint={meta.hint}
        checked={displayedChecked(name, optionKey, texts)}
        onChange={(on) => setOption(name, optionKey, on)}
      />
    );
  }
  const info = optimizerInfo(name);
  const linked = isLinked(optionKey, info);
  const linkedUnchanged = linked && typeof texts?.[optionKey] !== 'string';
  // μ of an optimizer that does not take the page's μ (RMSProp) is its own, default 0.
  const ownHint = optionKey === 'momentum' && !linked ? 'this optimizer only; torch default 0' : ownHintOf(optionKey, info.family, meta.hint, info.alpha0Note);
  return (
    <TextControl
      name={name}
      controlKey={optionKey}
      label={meta.label}
      hint={linkedUnchanged ? meta.hint : linked ? 'changed here: this optimizer only' : ownHint}
      value={displayedText(name, optionKey, texts, page)}
      placeholder={PLACEHOLDERS[optionKey]}
      inputMode={WHOLE_NUMBER_KEYS.has(optionKey) ? 'numeric' : 'decimal'}
    />
  );
}

function ForbidNegative({ name }: { name: string }) {
  const texts = useConfigStore((s) => s.perOptimizer[name]);
  const page = useConfigStore((s) => s.texts);
  const setOption = useConfigStore((s) => s.setOption);
  return (
    <CheckControl
      name={name}
      controlKey="forbidNegative"
      label={FORBID_NEGATIVE_LABEL}
      hint="Sets α min to 0, so α never goes negative. The reference has no safeguard: α may go negative (default, off)."
      checked={forbidsNegative(name, texts, page)}
      onChange={(on) => setOption(name, 'lrMin', on ? '0' : '')}
    />
  );
}

function ScheduleControls({ name }: { name: string }) {
  const texts = useConfigStore((s) => s.perOptimizer[name]);
  const setOption = useConfigStore((s) => s.setOption);
  const error = useOptionErrors(name)[SCHEDULE_KIND_KEY];
  const kind = displayedScheduleKind(name, texts);
  const id = domId(name, SCHEDULE_KIND_KEY);
  const hintId = `${id}-hint`;
  return (
    <>
      <div className={`field${error ? ' invalid' : ''}`}>
        <Label htmlFor={id} name={name} text="Schedule" />
        <select
          id={id}
          value={kind}
          aria-describedby={[hintId, error ? `${id}-error` : null].filter(Boolean).join(' ')}
          onChange={(e) => setOption(name, SCHEDULE_KIND_KEY, e.target.value as ScheduleKind)}
        >
          {SCHEDULE_KINDS.map((k) => (
            <option key={k} value={k}>
              {SCHEDULE_KIND_LABELS[k]}
            </option>
          ))}
        </select>
        <span id={hintId} className="field-hint">
          α_t = α₀ · factor(t), counted in iterations; warm-up first, then the decay
        </span>
        <FieldError id={`${id}-error`} message={error} />
      </div>
      <div className="row2">
        {scheduleFieldsOf(kind).map((f) => (
          <TextControl
            key={f}
            name={name}
            controlKey={scheduleKey(f)}
            label={SCHEDULE_FIELD_META[f].label}
            hint={SCHEDULE_FIELD_META[f].hint}
            value={displayedScheduleText(name, f, texts)}
            inputMode={f === 'stepSize' || f === 'tMax' || f === 'warmup' ? 'numeric' : 'decimal'}
          />
        ))}
      </div>
    </>
  );
}

/**
 * The learned schedule's controller: a select of the shipped controllers and those loaded in this browser,
 * and a file input that loads one (checked by parseController; on failure an alert names the problem and
 * nothing else changes). A ref this browser does not know (a shared link's loaded controller) stays
 * selected as "not in this browser", so the run's error can say so.
 */
function ControllerControl({ name }: { name: string }) {
  const texts = useConfigStore((s) => s.perOptimizer[name]);
  const page = useConfigStore((s) => s.texts);
  const setOption = useConfigStore((s) => s.setOption);
  const loaded = useControllersStore((s) => s.loaded);
  const load = useControllersStore((s) => s.load);
  const error = useOptionErrors(name).controller;
  const [problem, setProblem] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const id = domId(name, 'controller');
  const fileId = `${id}-file`;
  const hintId = `${id}-hint`;
  const value = displayedText(name, 'controller', texts, page);
  const choices = controllerChoices(loaded);
  const unknown = !choices.some((c) => c.value === value);
  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const input = e.currentTarget;
    const file = input.files?.[0];
    if (!file) return;
    let text: string;
    try {
      text = await file.text();
    } catch (err) {
      setNote('');
      setProblem(`Could not read ${file.name}: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const out = await load(file.name, text);
    input.value = ''; // the same file can be chosen again
    if (!out.ok) {
      setNote('');
      setProblem(`Could not load ${file.name}: ${out.problem}`);
      return;
    }
    setProblem(null);
    setOption(name, 'controller', out.controller.ref);
    setNote(`Loaded ${file.name} and selected it.`);
  };
  return (
    <div className={`field controller-field${error ? ' invalid' : ''}`}>
      <Label htmlFor={id} name={name} text={OPTION_META.controller.label} />
      <select
        id={id}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={[hintId, error ? `${id}-error` : null].filter(Boolean).join(' ')}
        onChange={(e) => setOption(name, 'controller', e.target.value)}
      >
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
        {unknown && <option value={value}>Not in this browser: {value}</option>}
      </select>
      <span id={hintId} className="field-hint">
        {OPTION_META.controller.hint}
      </span>
      <FieldError id={`${id}-error`} message={error} />
      {unknown && !error && (
        <p className="field-hint controller-missing">
          This browser has no controller {value} (a link names a loaded controller but cannot carry its file): load its file below,
          or pick a shipped one; a run with it ends with an error.
        </p>
      )}
      <div className="controller-load">
        <label htmlFor={fileId}>Load controller</label>
        <input id={fileId} type="file" accept=".json,application/json" aria-describedby={`${fileId}-hint`} onChange={(e) => void onFile(e)} />
        <span id={`${fileId}-hint`} className="field-hint">
          a controller JSON trained by `npm run controller -- train`; kept in this browser
        </span>
      </div>
      {problem && (
        <p role="alert" className="field-error controller-alert">
          {problem}
        </p>
      )}
      <p className="visually-hidden" aria-live="polite">
        {note}
      </p>
    </div>
  );
}

const GROUP_ORDER: readonly OptionGroup[] = ['model', 'lr', 'quirk', 'safeguard'];

function SectionBody({ name }: { name: string }) {
  const info = optimizerInfo(name);
  const changed = useConfigStore((s) => hasChanges(s.perOptimizer[name]));
  const reset = useConfigStore((s) => s.resetOptions);
  const keys = optionKeysOf(info);
  const numbersFirst = (a: OptionKey, b: OptionKey) =>
    Number(OPTION_META[a].kind === 'boolean') - Number(OPTION_META[b].kind === 'boolean');
  return (
    <div className="opt-settings-body">
      {GROUP_ORDER.map((g) => {
        const mine = keys.filter((k) => OPTION_META[k].group === g).sort(numbersFirst);
        if (mine.length === 0) return null;
        const numbers = mine.filter((k) => OPTION_META[k].kind === 'number');
        const booleans = mine.filter((k) => OPTION_META[k].kind === 'boolean');
        const textKeys = mine.filter((k) => OPTION_META[k].kind === 'text');
        return (
          <fieldset key={g} className="opt-settings-group">
            <legend>{GROUP_LEGENDS[g]}</legend>
            {g === 'safeguard' && keys.includes('lrMin') && <ForbidNegative name={name} />}
            {numbers.length > 0 && (
              <div className="row2">
                {numbers.map((k) => (
                  <OptionControl key={k} name={name} optionKey={k} />
                ))}
              </div>
            )}
            {booleans.map((k) => (
              <OptionControl key={k} name={name} optionKey={k} />
            ))}
            {textKeys.map((k) =>
              k === 'stack' ? <StackBuilder key={k} name={name} /> : k === 'controller' ? <ControllerControl key={k} name={name} /> : <OptionControl key={k} name={name} optionKey={k} />,
            )}
          </fieldset>
        );
      })}
      {hasSchedule(info) && (
        <fieldset className="opt-settings-group">
          <legend>{GROUP_LEGENDS.schedule}</legend>
          <ScheduleControls name={name} />
        </fieldset>
      )}
      <button type="button" className="small" disabled={!changed} onClick={() => reset(name)}>
        Reset {optimizerLabel(name)} settings to defaults
      </button>
    </div>
  );
}

function OptimizerSection({ name }: { name: string }) {
  const [open, setOpen] = useState(false);
  const invalid = useValidation().optionErrors[name] !== undefined;
  const changed = useConfigStore((s) => hasChanges(s.perOptimizer[name]));
  return (
    <details className={`opt-settings${invalid ? ' invalid' : ''}`} open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        Settings: {optimizerLabel(name)}
        {changed && <span className="opt-settings-mark"> · changed</span>}
        {invalid && <span className="opt-settings-mark invalid"> · invalid</span>}
      </summary>
      {open && <SectionBody name={name} />}
    </details>
  );
}

export function OptimizerSettings() {
  const selected = useConfigStore((s) => s.optimizers);
  if (selected.length === 0) return null;
  return (
    <fieldset className="group" aria-describedby="opt-settings-hint">
      <legend>Per-optimizer settings</legend>
      <p id="opt-settings-hint" className="field-hint opt-settings-hint">
        Pre-filled with each optimizer&apos;s defaults. μ and β show the page-wide Momentum μ and β until you change them
        here; a value changed here applies to that optimizer only. α₀ and weight decay are page-wide.
      </p>
      {selected.map((name) => (
        <OptimizerSection key={name} name={name} />
      ))}
    </fieldset>
  );
}
