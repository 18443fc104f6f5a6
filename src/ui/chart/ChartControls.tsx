// The chart controls bar: smoothing, x axis, y-axis kinds, y from zero, zoom (typed range; drag on a plot
// does the same), which runs are shown, the difference-from-baseline view and seed bands. Every control
// has a visible label and works from the keyboard; a typed value that cannot be used gets a message next
// to it and changes nothing.
import { useEffect, useId, useState } from 'react';
import { X_AXES, X_AXIS_LABELS, isXAxis } from '../../series/axes';
import { zoomRange } from '../../series/crosshair';
import { MAX_SMOOTHING } from '../../series/smoothing';
import type { Family } from '../../optim/catalog';
import { formatForPeople, parseNumber } from '../../config/validate';
import { HP_CHOICES, isHpChoice, useViewStore, type HpChoice, type LrScale } from '../../store/viewStore';

const FAMILY_LABELS: Record<Family, string> = {
  sgd: 'SGD family (SGD, SGD-HD, SGDop-*)',
  sgdn: 'SGDN family (SGDN, SGDN-HD, SGDNop-*)',
  adam: 'Adam family (Adam, Adam-HD, Adamop-*)',
  sgdm: 'SGDM family (SGDM, SGDM-HD)',
  adagrad: 'Adagrad',
  adadelta: 'Adadelta',
  adamax: 'Adamax',
  rmsprop: 'RMSProp',
  esgd: 'ESGD-M',
  lbfgs: 'L-BFGS',
  lrfree: 'Learning-rate free',
  stack: 'Stacked hyperoptimizers',
};

/** A smoothing weight typed by a person: a number in [0, MAX_SMOOTHING], or a message. */
export function parseSmoothing(text: string): { ok: true; value: number } | { ok: false; message: string } {
  const v = parseNumber(text);
  if (v === null) return { ok: false, message: 'Smoothing must be a number' };
  if (v < 0 || v > MAX_SMOOTHING) return { ok: false, message: `Smoothing must be between 0 and ${MAX_SMOOTHING}` };
  return { ok: true, value: v };
}

function SmoothingField() {
  const id = useId();
  const smoothing = useViewStore((s) => s.smoothing);
  const setSmoothing = useViewStore((s) => s.setSmoothing);
  const [text, setText] = useState(String(smoothing));
  const parsed = parseSmoothing(text);
  // Follow the store when something else sets it (the URL, the slider).
  useEffect(() => {
    setText((t) => {
      const p = parseSmoothing(t);
      return p.ok && p.value === smoothing ? t : String(smoothing);
    });
  }, [smoothing]);
  const onText = (t: string) => {
    setText(t);
    const p = parseSmoothing(t);
    if (p.ok) setSmoothing(p.value);
  };
  return (
    <div className="cc-field cc-smoothing">
      <label htmlFor={id}>Smoothing</label>
      <div className="cc-row">
        {/* A pointer convenience; the number input beside it is the one control keyboards and screen readers use. */}
        <input
          type="range"
          min={0}
          max={MAX_SMOOTHING}
          step={0.001}
          value={smoothing}
          tabIndex={-1}
          aria-hidden="true"
          onChange={(e) => onText(e.target.value)}
        />
        <input
          id={id}
          type="number"
          min={0}
          max={MAX_SMOOTHING}
          step={0.01}
          value={text}
          aria-invalid={!parsed.ok}
          aria-describedby={`${id}-msg`}
          onChange={(e) => onText(e.target.value)}
        />
      </div>
      <span id={`${id}-msg`} className={parsed.ok ? 'field-hint' : 'field-error'}>
        {parsed.ok ? '0 = raw, 0.999 = heaviest' : parsed.message}
      </span>
    </div>
  );
}

function ZoomFields({ xFull }: { xFull: [number, number] }) {
  const id = useId();
  const zoom = useViewStore((s) => s.zoom);
  const setZoom = useViewStore((s) => s.setZoom);
  const xAxis = useViewStore((s) => s.xAxis);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setFrom(zoom ? formatForPeople(zoom[0]) : '');
    setTo(zoom ? formatForPeople(zoom[1]) : '');
    setError(null);
  }, [zoom]);
  const apply = () => {
    const a = parseNumber(from);
    const b = parseNumber(to);
    if (a === null || b === null) {
      setError('Type two numbers: where the zoom starts and ends.');
      return;
    }
    const z = zoomRange(a, b, xFull, 0);
    if (!z) {
      setError(`The range must overlap 0 … ${formatForPeople(xFull[1])} and not be empty.`);
      return;
    }
    setError(null);
    setZoom(z);
  };
  const unit = X_AXIS_LABELS[xAxis].toLowerCase();
  return (
    <div className="cc-field cc-zoom" role="group" aria-labelledby={`${id}-legend`}>
      <span id={`${id}-legend`} className="cc-label">
        Zoom x range ({unit}; or drag on a chart)
      </span>
      <form
        className="cc-row"
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <label htmlFor={`${id}-from`}>Zoom from</label>
        <input id={`${id}-from`} className="cc-num" type="text" inputMode="decimal" value={from} onChange={(e) => setFrom(e.target.value)} aria-invalid={error !== null} aria-describedby={`${id}-err`} />
        <label htmlFor={`${id}-to`}>Zoom to</label>
        <input id={`${id}-to`} className="cc-num" type="text" inputMode="decimal" value={to} onChange={(e) => setTo(e.target.value)} aria-invalid={error !== null} aria-describedby={`${id}-err`} />
        <button type="submit" className="small">
          Zoom
        </button>
        <button type="button" className="small" onClick={() => setZoom(null)} disabled={zoom === null}>
          Reset zoom
        </button>
      </form>
      <span id={`${id}-err`} className="field-error">
        {error}
      </span>
    </div>
  );
}

function Check({ label, checked, onChange, hint }: { label: string; checked: boolean; onChange: (v: boolean) => void; hint?: string }) {
  const id = useId();
  return (
    <div className="cc-check">
      <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} aria-describedby={hint ? `${id}-hint` : undefined} />
      <label htmlFor={id}>{label}</label>
      {hint && (
        <span id={`${id}-hint`} className="visually-hidden">
          {hint}
        </span>
      )}
    </div>
  );
}

/** The Hyperparameter select's options: the learning-rate chart's α, or what a Stack's hyperoptimizer tunes. */
const HP_OPTION_TEXT: Record<HpChoice, string> = {
  alpha: 'α (learning rate)',
  mu: 'μ (SGD momentum)',
  beta1: 'β₁ (Adam)',
  beta2: 'β₂ (Adam)',
  gamma: 'γ (RMSProp)',
};

export function ChartControls({ families, xFull }: { families: readonly Family[]; xFull: [number, number] }) {
  const ids = { x: useId(), lr: useId(), hp: useId(), family: useId() };
  const v = useViewStore();
  return (
    <div className="chart-controls" role="group" aria-label="Chart controls">
      <SmoothingField />
      <div className="cc-field">
        <label htmlFor={ids.x}>X axis</label>
        <select id={ids.x} value={v.xAxis} onChange={(e) => isXAxis(e.target.value) && v.setXAxis(e.target.value)}>
          {X_AXES.map((a) => (
            <option key={a} value={a}>
              {X_AXIS_LABELS[a]}
            </option>
          ))}
        </select>
      </div>
      <div className="cc-field">
        <label htmlFor={ids.lr}>Learning-rate axis</label>
        <select id={ids.lr} value={v.lrScale} onChange={(e) => v.setLrScale(e.target.value as LrScale)}>
          <option value="symlog">Symmetric log</option>
          <option value="linear">Linear</option>
        </select>
      </div>
      <div className="cc-field">
        <label htmlFor={ids.hp}>Hyperparameter</label>
        <select
          id={ids.hp}
          value={v.hp}
          aria-describedby={`${ids.hp}-hint`}
          onChange={(e) => isHpChoice(e.target.value) && v.setHp(e.target.value)}
        >
          {HP_CHOICES.map((h) => (
            <option key={h} value={h}>
              {HP_OPTION_TEXT[h]}
            </option>
          ))}
        </select>
        <span id={`${ids.hp}-hint`} className="visually-hidden">
          What the learning-rate chart draws; μ, β₁, β₂ and γ only for Stack runs that tune them.
        </span>
      </div>
      <div className="cc-field">
        <label htmlFor={ids.family}>Runs shown</label>
        <select
          id={ids.family}
          value={v.family}
          onChange={(e) => v.setFamily(e.target.value === 'all' ? 'all' : (e.target.value as Family))}
        >
          <option value="all">All runs</option>
          {/* A family picked earlier stays selectable even when the current runs have none of it. */}
          {[...new Set([...families, ...(v.family === 'all' ? [] : [v.family])])].map((f) => (
            <option key={f} value={f}>
              {FAMILY_LABELS[f]}
            </option>
          ))}
        </select>
      </div>
      <div className="cc-checks">
        <Check label="Log y (loss)" checked={v.logY} onChange={v.setLogY} hint={v.diffFromBaseline ? 'The difference view is always linear.' : undefined} />
        <Check label="Y from zero" checked={v.fromZero} onChange={v.setFromZero} />
        <Check label="Difference from baseline" checked={v.diffFromBaseline} onChange={v.setDiffFromBaseline} hint="Loss chart: each variant's loss minus its HD baseline's, at the same iteration." />
        <Check label="Show each seed" checked={v.showSeeds} onChange={v.setShowSeeds} hint="Otherwise runs that differ only by seed are drawn as mean and min–max band." />
      </div>
      <ZoomFields xFull={xFull} />
    </div>
  );
}
