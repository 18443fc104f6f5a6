// The Stack builder: the Stack optimizer's one setting, its stack of hyperoptimizers (Chandra et al.,
// NeurIPS 2022), as the paper's text ("Adam / SGD(1e-5)") and as rows, one per level, kept in sync.
// The text is the setting (the store keeps it like any other per-optimizer text; its errors are the
// form's); the rows show the stack the text describes, or the last one that parsed while it does not,
// and each edit of a row rewrites the text in canonical form (formatStack). Native controls only;
// each row's controls are named "Level N …" so they read on their own.
import { useRef, useState, type ReactNode } from 'react';
import { HYPER_DEFAULTS } from '../optim/hyper';
import { STACK_CLASSES, parseStack, type HyperName, type StackSpec } from '../optim/stackSpec';
import { useConfigStore, useValidation } from '../store/configStore';
import { displayedText, OPTION_META } from '../config/optimizerOptions';
import {
  HYPER_SYMBOLS,
  STACK_OPTIMIZERS,
  addLevel,
  effectiveTuned,
  extrasOf,
  formatStack,
  levelTitle,
  readExtra,
  readStack,
  readStepSize,
  removeLevel,
  setExtra,
  setOptimizer,
  setStepSize,
  setTuned,
  stackNumberText,
  stepSymbol,
  tunableOf,
  type ExtraName,
} from '../config/stackBuilder';
import { FieldNotes } from './TextInput';

const KEY = 'stack';

function idOf(name: string, part: string): string {
  return `os-${name.replace(/[^A-Za-z0-9_-]/g, '_')}-stack-${part}`;
}

function describedBy(...ids: (string | false | undefined)[]): string | undefined {
  return ids.filter(Boolean).join(' ') || undefined;
}

/** "Level 2 " visually hidden, then the visible text: the accessible name reads on its own. */
function LevelLabel({ htmlFor, level, text, after }: { htmlFor: string; level: number; text: string; after?: string }) {
  return (
    <label htmlFor={htmlFor}>
      <span className="visually-hidden">Level {level} </span>
      {text}
      {after && <span className="visually-hidden"> {after}</span>}
    </label>
  );
}

type Read = { value: number | null } | { error: string };

interface DraftProps {
  id: string;
  label: ReactNode;
  value: number | null;
  read: (text: string) => Read;
  commit: (v: number | null) => void;
  placeholder?: string;
  hint?: string;
}

/**
 * A number of a row. What is typed stays as typed while it is being written ("1e-" is not a number yet):
 * a readable value goes to the spec at once, an unreadable one shows its message and leaves the spec
 * alone. A change of the spec from elsewhere (the text, another row) replaces the draft.
 */
function DraftNumber({ id, label, value, read, commit, placeholder, hint }: DraftProps) {
  const shown = stackNumberText(value);
  const [draft, setDraft] = useState(shown);
  const [error, setError] = useState<string | undefined>(undefined);
  const [synced, setSynced] = useState(shown);
  if (synced !== shown) {
    setSynced(shown);
    const r = read(draft);
    if (!('value' in r) || r.value !== value) {
      setDraft(shown);
      setError(undefined);
    }
  }
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      {label}
      <input
        id={id}
        type="text"
        inputMode="decimal"
        autoComplete="off"
        spellCheck={false}
        value={draft}
        placeholder={placeholder}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(error && `${id}-error`, hint && `${id}-hint`)}
        onChange={(e) => {
          const text = e.target.value;
          setDraft(text);
          const r = read(text);
          if ('value' in r) {
            setError(undefined);
            if (r.value !== value) commit(r.value);
          } else setError(r.error);
        }}
      />
      <FieldNotes id={id} hint={hint} error={error} />
    </div>
  );
}

const FALLBACK: StackSpec = parseStack(HYPER_DEFAULTS.stack);

export function StackBuilder({ name }: { name: string }) {
  const texts = useConfigStore((s) => s.perOptimizer[name]);
  const page = useConfigStore((s) => s.texts);
  const setOption = useConfigStore((s) => s.setOption);
  const error = useValidation().optionErrors[name]?.[KEY];
  const text = displayedText(name, KEY, texts, page);
  const alpha0 = displayedText(name, 'alpha0', texts, page);
  const read = readStack(text);
  // The rows: the text's stack, or while the text does not parse, the last stack that did.
  const lastGood = useRef<StackSpec>(read.spec ?? FALLBACK);
  if (read.spec) lastGood.current = read.spec;
  const spec = read.spec ?? lastGood.current;
  const write = (next: StackSpec) => setOption(name, KEY, formatStack(next));
  // Removing the last level above the model disables "Remove level": focus moves to "Add level" rather than to the page.
  const addRef = useRef<HTMLButtonElement>(null);

  const meta = OPTION_META.stack;
  const textId = idOf(name, 'text');
  const rowsNoteId = idOf(name, 'rows-note');
  const n = spec.levels.length;
  return (
    <fieldset className="opt-settings-group stack-builder">
      <legend>{meta.label}</legend>
      <div className={`field${error ? ' invalid' : ''}`}>
        <label htmlFor={textId}>
          <span className="visually-hidden">{name}: </span>
          {meta.label} spec
        </label>
        <input
          id={textId}
          type="text"
          autoComplete="off"
          spellCheck={false}
          value={text}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(error && `${textId}-error`, meta.hint && `${textId}-hint`)}
          onChange={(e) => setOption(name, KEY, e.target.value)}
        />
        <FieldNotes id={textId} hint={meta.hint} error={error} />
      </div>
      <p id={rowsNoteId} className="field-hint">
        {read.spec
          ? 'Levels bottom to top: each level above tunes the ticked hyperparameters of the level below it. Changing a level rewrites the spec.'
          : 'The spec does not read as a stack: the levels show the last stack that did. Changing a level replaces the spec.'}
      </p>
      {spec.levels.map((level, i) => {
        const num = i + 1;
        const sym = stepSymbol(i);
        const info = STACK_CLASSES[level.optimizer];
        const selectId = idOf(name, `l${num}-optimizer`);
        const stepId = idOf(name, `l${num}-step`);
        const tuned = effectiveTuned(level);
        const canTune = tunableOf(level);
        return (
          <fieldset key={i} className="opt-settings-group stack-level">
            <legend>{levelTitle(i)}</legend>
            <div className="row2">
              <div className="field">
                <LevelLabel htmlFor={selectId} level={num} text="optimizer" />
                <select id={selectId} value={level.optimizer} onChange={(e) => write(setOptimizer(spec, i, e.target.value as typeof level.optimizer))}>
                  {STACK_OPTIMIZERS.map((o) => (
                    <option key={o} value={o}>
                      {o}
                    </option>
                  ))}
                </select>
              </div>
              <DraftNumber
                id={stepId}
                label={<LevelLabel htmlFor={stepId} level={num} text={`step size ${sym}`} />}
                value={level.alpha}
                read={readStepSize}
                commit={(v) => write(setStepSize(spec, i, v))}
                placeholder={i === 0 ? `α₀ = ${alpha0}` : `default ${stackNumberText(info.alpha)}`}
                hint={i === 0 ? "empty: this run's α₀" : `empty: ${level.optimizer}'s default ${stackNumberText(info.alpha)}`}
              />
              {extrasOf(level.optimizer).map((k: ExtraName) => {
                const id = idOf(name, `l${num}-${k}`);
                return (
                  <DraftNumber
                    key={`${level.optimizer}-${k}`}
                    id={id}
                    label={<LevelLabel htmlFor={id} level={num} text={HYPER_SYMBOLS[k]} />}
                    value={level[k] ?? null}
                    read={(t) => readExtra(k, t)}
                    commit={(v) => v !== null && write(setExtra(spec, i, k, v))}
                    hint={k === 'mu' ? 'momentum, ≥ 0 (0 = plain SGD)' : 'in (0, 1)'}
                  />
                );
              })}
            </div>
            {i < n - 1 && (
              <fieldset className="stack-tuned">
                <legend>
                  Tuned by level {num + 1}
                  <span className="visually-hidden"> (level {num})</span>
                </legend>
                {info.tunable.map((h: HyperName) => {
                  if (!canTune.includes(h)) return null;
                  const id = idOf(name, `l${num}-tunes-${h}`);
                  const on = tuned.includes(h);
                  const last = on && tuned.length === 1;
                  return (
                    <div key={h} className="check-row">
                      <input
                        id={id}
                        type="checkbox"
                        checked={on}
                        disabled={last}
                        aria-describedby={last ? idOf(name, `l${num}-tuned-hint`) : undefined}
                        onChange={(e) => write(setTuned(spec, i, h, e.target.checked))}
                      />
                      <LevelLabel htmlFor={id} level={num} text={HYPER_SYMBOLS[h]} after={`tuned by level ${num + 1}`} />
                    </div>
                  );
                })}
                {(tuned.length === 1 || (level.optimizer === 'SGD' && !canTune.includes('mu'))) && (
                  <span id={idOf(name, `l${num}-tuned-hint`)} className="field-hint">
                    {[tuned.length === 1 ? 'At least one is tuned' : null, level.optimizer === 'SGD' && !canTune.includes('mu') ? 'μ can be tuned once μ > 0' : null]
                      .filter(Boolean)
                      .join('; ')}
                    .
                  </span>
                )}
              </fieldset>
            )}
          </fieldset>
        );
      })}
      <div className="stack-buttons">
        <button ref={addRef} type="button" className="small" onClick={() => write(addLevel(spec))}>
          Add level
        </button>{' '}
        <button
          type="button"
          className="small"
          disabled={n <= 1}
          aria-describedby={idOf(name, 'remove-hint')}
          onClick={() => {
            write(removeLevel(spec));
            if (n === 2) addRef.current?.focus();
          }}
        >
          Remove level
        </button>
        <span id={idOf(name, 'remove-hint')} className="visually-hidden">
          removes the top level, level {n}
        </span>
      </div>
    </fieldset>
  );
}
