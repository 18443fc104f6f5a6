// What the Controller inputs panel draws, as pure functions (no React, no DOM): a learned schedule's
// decisions (every 10 steps: the 7 features its controller read) as one feature's column over
// iterations, the y axis (log when every value is > 0, else linear), and a sentence for screen readers.
import { CONTROLLER_FEATURES, type ControllerFeature, type ControllerRecord } from '../engine/types';
import { formatForPeople } from '../config/validate';
import { planYAxis, type YAxisPlan } from './chart/yScale';

/** The features' names for people, in CONTROLLER_FEATURES order. */
export const FEATURE_NAMES: Readonly<Record<ControllerFeature, string>> = {
  train_loss: 'Training loss',
  val_loss: 'Validation loss',
  pred_var: 'Prediction variance',
  pred_change_var: 'Prediction-change variance',
  out_w_mean: 'Output weights mean',
  out_w_var: 'Output weights variance',
  lr: 'Learning rate',
};

/** One feature's values over the decisions, in iteration order. */
export interface FeatureColumn {
  iteration: Float64Array;
  value: Float64Array;
}

export function featureColumn(records: readonly ControllerRecord[], feature: ControllerFeature): FeatureColumn {
  const k = CONTROLLER_FEATURES.indexOf(feature);
  const sorted = [...records].sort((a, b) => a.iteration - b.iteration);
  return {
    iteration: Float64Array.from(sorted, (r) => r.iteration),
    value: Float64Array.from(sorted, (r) => r.features[k] ?? NaN),
  };
}

/** The y axis over several runs' columns: log when every finite value is > 0, else linear; null when nothing to draw. */
export function featureYAxis(columns: readonly FeatureColumn[]): YAxisPlan | null {
  let min = Infinity, max = -Infinity, minPositive = Infinity;
  for (const c of columns) {
    for (const v of c.value) {
      if (!Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
      if (v > 0 && v < minPositive) minPositive = v;
    }
  }
  if (min === Infinity) return null;
  if (min > 0) return planYAxis('log', { min, max, minPositive }, { fromZero: false, c: 1 });
  return planYAxis('linear', { min, max: max === min ? min + 1 : max, minPositive }, { fromZero: false, c: 1 });
}

/** A sentence for screen readers: a run's decisions so far and the last values of every feature. */
export function controllerSummary(label: string, records: readonly ControllerRecord[]): string {
  if (records.length === 0) return `${label}: no controller decision yet (the first comes after 10 steps).`;
  const last = records.reduce((a, b) => (b.iteration >= a.iteration ? b : a));
  const f = formatForPeople;
  const values = CONTROLLER_FEATURES.map((name, i) => `${FEATURE_NAMES[name].toLowerCase()} ${f(last.features[i])}`).join(', ');
  const n = records.length;
  const act = last.factor > 1 ? `raised the rate ×${f(last.factor)}` : last.factor < 1 ? `lowered the rate ÷${f(Number((1 / last.factor).toPrecision(12)))}` : 'kept the rate';
  return `${label}: ${n} decision${n === 1 ? '' : 's'}; at iteration ${last.iteration} the controller read ${values}, and ${act} to ${f(last.lr)}.`;
}
