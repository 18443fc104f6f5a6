// Checkboxes, one per optimizer, grouped classic / hypergradient / variants / second order / … / learned. Each
// checkbox is named exactly by the optimizer's page name (its catalog label where it has one, else its name); its description is the accessible description (and the tooltip).
// HD optimizers and variants show what they are read against ("vs SGD-HD"), and a gentle hint asks
// for the baseline when it is not ticked (a hint, not an error: Start stays enabled).
import { OPTIMIZERS, optimizerLabel, type OptimizerInfo } from '../optim/catalog';
import { useConfigStore, useValidation } from '../store/configStore';
import { LineSwatch } from './ChartLegend';
import { optimizerStyle } from './colors';
import { FieldError } from './FieldError';
import { missingBaselines } from '../config/optimizerOptions';

function domId(name: string): string {
  return `opt-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

function OptimizerCheckbox({ info, checked }: { info: OptimizerInfo; checked: boolean }) {
  const toggle = useConfigStore((s) => s.toggleOptimizer);
  const id = domId(info.name);
  const style = optimizerStyle(info.name);
  const vs = info.baseline !== null ? `vs ${optimizerLabel(info.baseline)}` : null;
  return (
    <div className="opt" title={vs ? `${info.description} Read ${vs}.` : info.description}>
      <input
        id={id}
        type="checkbox"
        checked={checked}
        aria-describedby={vs ? `${id}-vs ${id}-desc` : `${id}-desc`}
        onChange={(e) => toggle(info.name, e.target.checked)}
      />
      <label htmlFor={id}>
        <LineSwatch color={style.color} dash={style.dash} />
        {optimizerLabel(info.name)}
      </label>
      {vs && (
        <span id={`${id}-vs`} className="opt-vs">
          {vs}
        </span>
      )}
      <span id={`${id}-desc`} className="visually-hidden">
        {info.description}
      </span>
    </div>
  );
}

const GROUPS: { key: OptimizerInfo['group']; legend: string; wide?: boolean; note?: string }[] = [
  { key: 'classic', legend: 'Classic' },
  { key: 'hypergradient', legend: 'Hypergradient' },
  { key: 'variant', legend: 'Variants (vs HD baseline)', wide: true },
  {
    key: 'second-order',
    legend: 'Second order',
    note: 'A step costs several gradient evaluations: compare them on the Gradient evaluations x axis.',
  },
  {
    key: 'lr-free',
    legend: 'Learning-rate free',
    note: 'They set their own step size (shown on the learning-rate chart); α₀ is only their lr scale, 1 by default.',
  },
  {
    key: 'stacked',
    legend: 'Stacked hyperoptimizers',
    note: 'Build the stack in its settings; the Hyperparameter select of the learning-rate chart shows each tuned value.',
  },
  {
    key: 'learned',
    legend: 'Learned',
    note: 'A controller trained by reinforcement learning sets Adam’s rate every 10 steps (pick or load it in the settings; the Controller inputs panel shows what it read). It trains without 10,000 held-out validation images.',
  },
];

export function OptimizerPicker() {
  const selected = useConfigStore((s) => s.optimizers);
  const error = useValidation().errors.optimizers;
  const missing = missingBaselines(selected);
  return (
    <fieldset className="optimizers" aria-describedby={error ? 'optimizers-error' : undefined}>
      <legend>Optimizers</legend>
      <div className="opt-groups">
        {GROUPS.map((g) => (
          <fieldset
            key={g.key}
            className={`opt-group${g.wide ? ' opt-group-wide' : ''}`}
            aria-describedby={g.note ? `opt-group-${g.key}-note` : undefined}
          >
            <legend>{g.legend}</legend>
            {OPTIMIZERS.filter((o) => o.group === g.key).map((o) => (
              <OptimizerCheckbox key={o.name} info={o} checked={selected.includes(o.name)} />
            ))}
            {g.note && (
              <p id={`opt-group-${g.key}-note`} className="opt-group-note field-hint">
                {g.note}
              </p>
            )}
          </fieldset>
        ))}
      </div>
      <FieldError id="optimizers-error" message={error} />
      <div className="baseline-hint field-hint" aria-live="polite">
        {missing.map((m) => (
          <p key={m.name}>
            {optimizerLabel(m.name)}: also tick {optimizerLabel(m.baseline)} to compare
          </p>
        ))}
      </div>
    </fieldset>
  );
}
