// The sweep's own form: optimizers (plain and HD side by side), the α₀ grid, steps per run, the metric,
// the seed count; Run sweep / Cancel. Every field is labelled, refused input gets a message next to it,
// and Run sweep stays disabled (with the reason beside it) until everything is valid.
//
// Accessible names are chosen not to collide with the main controls' ("SGD-HD", "Iterations", "α₀ …",
// "Seeds"), so a test or a screen-reader user looking for those still finds exactly one.
import type { FormEvent } from 'react';
import { OPTIMIZERS } from '../../optim/catalog';
import { alphaLabel, METRIC_LABELS, type SweepFormTexts, type SweepFormValidation, type SweepMetricKind } from '../../sweep/sweepForm';
import { LineSwatch } from '../ChartLegend';
import { optimizerStyle } from '../colors';
import { TextField } from '../TextInput';
import { shownName } from '../../series/optimizerNames';

/** Plain optimizer → its HD optimizer (the catalog's baseline links), in catalog order. */
const PAIRS = OPTIMIZERS.filter((o) => o.group === 'hypergradient' && o.baseline !== null).map((hd) => [hd.baseline!, hd.name] as const);
const PAIRED = new Set(PAIRS.flat());
const OTHERS = OPTIMIZERS.filter((o) => !PAIRED.has(o.name)).map((o) => o.name);

const domId = (name: string) => `sweep-opt-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;

interface Props {
  texts: SweepFormTexts;
  onChange: (next: SweepFormTexts) => void;
  validation: SweepFormValidation;
  /** Why the page's settings keep the sweep from running (empty when they are fine). */
  pageProblems: readonly string[];
  active: boolean;
  concurrency: number;
  onRun: () => void;
  onCancel: () => void;
}

function OptimizerBox({ name, checked, onToggle }: { name: string; checked: boolean; onToggle: (name: string, on: boolean) => void }) {
  const st = optimizerStyle(name);
  const id = domId(name);
  return (
    <span className="sweep-opt">
      <input id={id} type="checkbox" checked={checked} onChange={(e) => onToggle(name, e.target.checked)} />
      <label htmlFor={id}>
        <LineSwatch color={st.color} dash={st.dash} />
        {shownName(name)}
        <span className="visually-hidden"> in the sweep</span>
      </label>
    </span>
  );
}

function gridWords(alphas: readonly number[]): string {
  if (alphas.length === 0) return 'log-spaced';
  const shown = alphas.length <= 6 ? alphas.map(alphaLabel).join(', ') : `${alphas.slice(0, 3).map(alphaLabel).join(', ')}, …, ${alphaLabel(alphas[alphas.length - 1])}`;
  return `${alphas.length} value${alphas.length === 1 ? '' : 's'}: ${shown}`;
}

export function SweepForm({ texts, onChange, validation, pageProblems, active, concurrency, onRun, onCancel }: Props) {
  const { errors, spec, runCount } = validation;
  const set = <K extends keyof SweepFormTexts>(key: K, value: SweepFormTexts[K]) => onChange({ ...texts, [key]: value });
  const toggle = (name: string, on: boolean) =>
    set('optimizers', on ? [...texts.optimizers.filter((n) => n !== name), name] : texts.optimizers.filter((n) => n !== name));
  const canRun = spec !== null && pageProblems.length === 0 && !active;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (canRun) onRun();
  };
  let hint: string;
  if (active) hint = 'Sweep running… Cancel stops every run of it.';
  else if (pageProblems.length > 0) hint = `Fix the page's settings first: ${pageProblems.join('; ')}.`;
  else if (errors.grid) hint = errors.grid;
  else if (!spec) hint = 'Fix the highlighted fields to run the sweep.';
  else {
    const o = spec.optimizers.length, a = spec.alphas.length, s = spec.seedCount;
    hint = `${runCount} runs (${o} optimizer${o === 1 ? '' : 's'} × ${a} α₀${s > 1 ? ` × ${s} seeds` : ''}), ${concurrency} at a time.`;
  }
  const hintInvalid = !active && (pageProblems.length > 0 || !spec);

  return (
    <form className="sweep-form" onSubmit={onSubmit} noValidate aria-label="α₀ sweep settings">
      <fieldset className="sweep-opts" aria-describedby={errors.optimizers ? 'sweep-opts-error' : undefined}>
        <legend>Optimizers to compare</legend>
        <div className="sweep-pairs">
          {PAIRS.map(([plain, hd]) => (
            <div key={hd} className="sweep-pair">
              <OptimizerBox name={plain} checked={texts.optimizers.includes(plain)} onToggle={toggle} />
              <OptimizerBox name={hd} checked={texts.optimizers.includes(hd)} onToggle={toggle} />
            </div>
          ))}
        </div>
        <details className="sweep-more">
          <summary>More optimizers (variants, other classics, second order, learning-rate free, stacked, learned)</summary>
          <div className="sweep-others">
            {OTHERS.map((n) => (
              <OptimizerBox key={n} name={n} checked={texts.optimizers.includes(n)} onToggle={toggle} />
            ))}
          </div>
        </details>
        <span id="sweep-opts-error" className="field-error">{errors.optimizers ?? ''}</span>
      </fieldset>

      <fieldset className="sweep-grid">
        <legend>α₀ grid (log-spaced)</legend>
        <div className="sweep-row">
          <TextField id="sweep-from" label="From" value={texts.from} onChange={(v) => set('from', v)} error={errors.from} />
          <TextField id="sweep-to" label="To" value={texts.to} onChange={(v) => set('to', v)} error={errors.to} />
          <TextField
            id="sweep-per-decade"
            label="Points per decade"
            value={texts.perDecade}
            onChange={(v) => set('perDecade', v)}
            error={errors.perDecade}
            inputMode="numeric"
          />
        </div>
        <p className="field-hint" id="sweep-grid-words">
          {gridWords(validation.alphas)}
        </p>
      </fieldset>

      <div className="sweep-row">
        <TextField
          id="sweep-steps"
          label="Steps per run"
          value={texts.iterations}
          onChange={(v) => set('iterations', v)}
          error={errors.iterations}
          hint="iterations of each short run; it evaluates at the end only"
          inputMode="numeric"
        />
        <TextField
          id="sweep-seeds"
          label="Seed count"
          value={texts.seeds}
          onChange={(v) => set('seeds', v)}
          error={errors.seeds}
          hint="runs per point, from the page's seed up; more than 1 adds min–max whiskers"
          inputMode="numeric"
        />
      </div>

      <div className="sweep-row">
        <div className="field">
          <label htmlFor="sweep-metric">Metric</label>
          <select id="sweep-metric" value={texts.metric} onChange={(e) => set('metric', e.target.value as SweepMetricKind)}>
            {(Object.keys(METRIC_LABELS) as SweepMetricKind[]).map((k) => (
              <option key={k} value={k}>
                {METRIC_LABELS[k]}
              </option>
            ))}
          </select>
        </div>
        {texts.metric === 'iterations-to-threshold' && (
          <TextField
            id="sweep-threshold"
            label="Loss threshold"
            value={texts.threshold}
            onChange={(v) => set('threshold', v)}
            error={errors.threshold}
            hint="first iteration whose minibatch loss is below it"
          />
        )}
      </div>

      <div className="run-buttons">
        <button type="submit" className="primary" disabled={!canRun} aria-describedby="sweep-run-hint">
          Run sweep
        </button>
        <button type="button" disabled={!active} onClick={onCancel}>
          Cancel
        </button>
        <p id="sweep-run-hint" className={`start-hint${hintInvalid ? ' invalid' : ''}`}>
          {hint}
        </p>
      </div>
    </form>
  );
}
