// The configuration form: what the person has typed and ticked. Numeric fields are kept as the
// text typed (so invalid input can be shown and refused); parsed values come from validate.ts.
import { create } from 'zustand';
import type { DatasetName, ModelName } from '../engine/types';
import { OPTIMIZER_NAMES } from '../optim/catalog';
import { validateForm, type FormValidation, type PerOptimizerTexts } from './optimizerOptions';
import { formatForPeople, type FieldTexts, type NumericField } from './validate';

/** The reference experiment settings (issue 2, Deliver 7). */
export const DEFAULTS = {
  optimizers: ['SGD', 'SGD-HD'] as string[],
  alpha0: 1e-3,
  betaSgd: 1e-3,
  betaAdam: 1e-7,
  momentum: 0.9,
  weightDecay: 1e-4,
  batchSize: 128,
  epochs: 1,
  iterations: null as number | null,
  // Without a GPU; the page switches to the reference 'mlp' when it finds one (src/ui/hardwareGpu.ts).
  model: 'ffnn100' as ModelName,
  dataset: 'mnist' as DatasetName,
  seed: 1,
  evalEvery: null as number | null,
};

export const DEFAULT_TEXTS: FieldTexts = {
  alpha0: formatForPeople(DEFAULTS.alpha0),
  betaSgd: formatForPeople(DEFAULTS.betaSgd),
  betaAdam: formatForPeople(DEFAULTS.betaAdam),
  momentum: String(DEFAULTS.momentum),
  weightDecay: formatForPeople(DEFAULTS.weightDecay),
  batchSize: String(DEFAULTS.batchSize),
  epochs: String(DEFAULTS.epochs),
  iterations: '',
  seed: String(DEFAULTS.seed),
  evalEvery: '',
};

export interface ConfigState {
  optimizers: string[];
  texts: FieldTexts;
  model: ModelName;
  dataset: DatasetName;
  /**
   * Per-optimizer settings the person changed (sparse: a missing key shows and runs with the
   * optimizer's default, or the page-wide μ / β for the linked fields; see optimizerOptions.ts).
   */
  perOptimizer: PerOptimizerTexts;
  setText: (field: NumericField, text: string) => void;
  /** Sets one per-optimizer control: a Hyper key or `schedule.<field>` / `schedule.kind`. */
  setOption: (name: string, key: string, value: string | boolean) => void;
  /** Back to the optimizer's defaults (and the page-wide μ / β). */
  resetOptions: (name: string) => void;
  toggleOptimizer: (name: string, on: boolean) => void;
  setModel: (model: ModelName) => void;
  setDataset: (dataset: DatasetName) => void;
}

export const useConfigStore = create<ConfigState>()((set) => ({
  optimizers: DEFAULTS.optimizers.slice(),
  texts: { ...DEFAULT_TEXTS },
  model: DEFAULTS.model,
  dataset: DEFAULTS.dataset,
  perOptimizer: {},
  setText: (field, text) => set((s) => ({ texts: { ...s.texts, [field]: text } })),
  setOption: (name, key, value) =>
    set((s) => ({ perOptimizer: { ...s.perOptimizer, [name]: { ...s.perOptimizer[name], [key]: value } } })),
  resetOptions: (name) =>
    set((s) => {
      const next = { ...s.perOptimizer };
      delete next[name];
      return { perOptimizer: next };
    }),
  toggleOptimizer: (name, on) =>
    set((s) => {
      const chosen = new Set(s.optimizers);
      if (on) chosen.add(name);
      else chosen.delete(name);
      // Keep catalogue order so colours and lists are stable.
      return { optimizers: OPTIMIZER_NAMES.filter((n) => chosen.has(n)) };
    }),
  setModel: (model) => set({ model }),
  setDataset: (dataset) => set({ dataset }),
}));

// validateForm allocates; memoise on the (immutable) inputs so selectors stay stable.
let lastTexts: FieldTexts | null = null;
let lastOpts: string[] | null = null;
let lastPer: PerOptimizerTexts | null = null;
let lastResult: FormValidation | null = null;

export function selectValidation(s: Pick<ConfigState, 'texts' | 'optimizers' | 'perOptimizer'>): FormValidation {
  if (s.texts !== lastTexts || s.optimizers !== lastOpts || s.perOptimizer !== lastPer || !lastResult) {
    lastTexts = s.texts;
    lastOpts = s.optimizers;
    lastPer = s.perOptimizer;
    lastResult = validateForm(s.texts, s.optimizers, s.perOptimizer);
  }
  return lastResult;
}

export const useValidation = (): FormValidation => useConfigStore(selectValidation);
