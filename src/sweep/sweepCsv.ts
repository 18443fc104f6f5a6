// The sweep as a tidy CSV: one row per run (every seed kept), ordered optimizer (as ticked), α₀, seed.
// A run without a value (diverged, threshold not reached, failed) has an empty value and says why in
// `state`. Pure: no DOM.
import type { RunState } from '../engine/types';
import { csvLine, formatNumber, joinLines, safeFilePart } from '../export/csv';
import type { SweepMetricKind } from './sweepForm';

export const SWEEP_CSV_HEADER = ['optimizer', 'alpha0', 'seed', 'metric', 'value', 'state'] as const;

export interface SweepCsvRow {
  optimizer: string;
  alpha0: number;
  seed: number;
  value: number | null;
  /** The run's end state; 'diverged' also for a run that crossed the threshold before blowing up. */
  state: RunState;
}

/** `metric` names what `value` is: final_loss | final_val_loss | iterations_to_threshold. */
export function metricColumn(kind: SweepMetricKind): string {
  return kind.replace(/-/g, '_');
}

export function sweepCsv(rows: readonly SweepCsvRow[], optimizerOrder: readonly string[], metric: SweepMetricKind): string {
  const rank = (o: string) => {
    const i = optimizerOrder.indexOf(o);
    return i < 0 ? optimizerOrder.length : i;
  };
  const sorted = [...rows].sort((a, b) => rank(a.optimizer) - rank(b.optimizer) || a.alpha0 - b.alpha0 || a.seed - b.seed);
  const m = metricColumn(metric);
  return joinLines([
    csvLine(SWEEP_CSV_HEADER),
    ...sorted.map((r) => csvLine([r.optimizer, formatNumber(r.alpha0), String(r.seed), m, r.value === null ? '' : formatNumber(r.value), r.state])),
  ]);
}

/** e.g. sweep-final_loss-mnist-logreg.csv */
export function sweepFileName(metric: SweepMetricKind, dataset: string, model: string): string {
  return `sweep-${metricColumn(metric)}-${safeFilePart(dataset)}-${safeFilePart(model)}.csv`;
}
