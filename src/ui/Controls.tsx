// The controls panel: run buttons, presets and Copy link, optimizers, learning rates, budget (seeds
// included), model and data.
import type { FormEvent } from 'react';
import { startRuns } from '../store/runner';
import { ALPHA0_RANGE, BETA_RANGE } from '../config/validate';
import { LogSliderField } from './LogSliderField';
import { DatasetField } from './DatasetField';
import { ModelField } from './ModelField';
import { NumberField } from './NumberField';
import { OptimizerPicker } from './OptimizerPicker';
import { OptimizerSettings } from './OptimizerSettings';
import { PresetPicker } from './PresetPicker';
import { RunButtons } from './RunButtons';
import { SeedsField } from './SeedsField';
import { ShareButton } from './ShareButton';

export function Controls() {
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void startRuns();
  };
  return (
    <form className="controls" onSubmit={onSubmit} noValidate aria-label="Training configuration">
      <RunButtons />
      <fieldset className="group">
        <legend>Presets and sharing</legend>
        <PresetPicker />
        <ShareButton />
      </fieldset>
      <OptimizerPicker />
      <OptimizerSettings />

      <fieldset className="group">
        <legend>Learning rates</legend>
        <LogSliderField
          field="alpha0"
          label="α₀ (initial learning rate)"
          sliderLabel="Initial learning rate, log scale"
          range={ALPHA0_RANGE}
          hint="for all selected runs"
        />
        <LogSliderField
          field="betaSgd"
          label="β SGD family"
          sliderLabel="Hypergradient rate for SGD and SGDN, log scale"
          range={BETA_RANGE}
          hint="hypergradient rate of the SGD-type HD optimizers and variants, unless changed in their settings"
        />
        <LogSliderField
          field="betaAdam"
          label="β Adam family"
          sliderLabel="Hypergradient rate for Adam, log scale"
          range={BETA_RANGE}
          hint="hypergradient rate of Adam-HD and the Adamop variants, unless changed in their settings"
        />
        <div className="row2">
          <NumberField field="momentum" label="Momentum μ" hint="every optimizer with μ, unless changed in its settings; 0 < μ < 1" />
          <NumberField field="weightDecay" label="Weight decay" hint="L2, ≥ 0" />
        </div>
      </fieldset>

      <fieldset className="group">
        <legend>Budget</legend>
        <div className="row2">
          <NumberField field="batchSize" label="Batch size" inputMode="numeric" />
          <NumberField field="epochs" label="Epochs" inputMode="numeric" />
        </div>
        <div className="row2">
          <NumberField
            field="iterations"
            label="Iterations"
            inputMode="numeric"
            placeholder="use epochs"
            hint="empty = use epochs; overrides Epochs when set"
          />
          <NumberField
            field="evalEvery"
            label="Eval every (steps)"
            inputMode="numeric"
            placeholder="about 25 points"
            hint="in iterations, on the whole test set; empty = about 25 points per run (a fixed test subset between epoch ends, the whole set at epoch ends and the end)"
          />
        </div>
        <div className="row2">
          <NumberField field="seed" label="Seed" inputMode="numeric" hint="runs with the same seed share initial weights and batch order" />
          <SeedsField />
        </div>
      </fieldset>

      <fieldset className="group">
        <legend>Model and data</legend>
        <DatasetField />
        <ModelField />
      </fieldset>
    </form>
  );
}
