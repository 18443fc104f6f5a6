// The configuration form: what the person has typed and ticked. Numeric fields are kept as the
// text typed (so invalid input can be shown and refused); parsed values come from validate.ts.
import { create } from 'zustand';
import type { DatasetName, ModelName } from '../engine/types';
import { datasetInfo } from '../data/datasets';
import { modelFits } from '../models/catalog';
import { OPTIMIZER_NAMES } from '../optim/catalog';
import { validateForm, type FormValidation, type PerOptimizerTexts } from '../config/optimizerOptions';
import { formatForPeople, type FieldTexts, type NumericField } from '../config/validate';

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
  // VGG-16-BN at ⅛ width trains at interactive speed without a GPU; 1 is the reference network.
  width: 0.125,
  seed: 1,
  evalEvery: null as number | null,
  /** Runs per optimizer (seed, seed + 1, …). */
  seeds: 1,
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
  seeds: String(DEFAULTS.seeds),
};

export interface ConfigState {
  optimizers: string[];
  texts: FieldTexts;
  model: ModelName;
  dataset: DatasetName;
  /** VGG-16-BN width multiplier (WIDTHS in src/models/catalog.ts). */
  width: number;
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
  setWidth: (width: number) => void;
  /**
   * Replaces several parts at once (a link read at page load, a preset): one store update, so the
   * form never shows a half-applied configuration. Parts not given stay as they are.
   */
  applyConfig: (patch: ConfigPatch) => void;
}

/** What a link or a preset sets; `texts` may name only some fields (the others stay). */
export interface ConfigPatch {
  optimizers?: string[];
  texts?: Partial<FieldTexts>;
  model?: ModelName;
  dataset?: DatasetName;
  width?: number;
  perOptimizer?: PerOptimizerTexts;
}

export const useConfigStore = create<ConfigState>()((set) => ({
  optimizers: DEFAULTS.optimizers.slice(),
  texts: { ...DEFAULT_TEXTS },
  model: DEFAULTS.model,
  dataset: DEFAULTS.dataset,
  width: DEFAULTS.width,
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
  setWidth: (width) => set({ width }),
  applyConfig: (patch) =>
    set((s) => ({
      ...(patch.optimizers ? { optimizers: OPTIMIZER_NAMES.filter((n) => patch.optimizers?.includes(n)) } : {}),
      ...(patch.texts ? { texts: { ...s.texts, ...patch.texts } } : {}),
      ...(patch.model ? { model: patch.model } : {}),
      ...(patch.dataset ? { dataset: patch.dataset } : {}),
      ...(patch.width !== undefined ? { width: patch.width } : {}),
      ...(patch.perOptimizer ? { perOptimizer: patch.perOptimizer } : {}),
    })),
}));

/** Why the selected model cannot train on the selected dataset (e.g. VGG on 28×28 MNIST), or null. */
export function modelProblem(model: ModelName, dataset: DatasetName): string | null {
  return modelFits(model, datasetInfo(dataset).imageShape);
}

export interface PageValidation extends FormValidation {
  /** The model does not fit the dataset: shown under the Model select; Start stays disabled. */
  modelError: string | null;
}

// validateForm allocates; memoise on the (immutable) inputs so selectors stay stable.
let last: { texts: FieldTexts; optimizers: string[]; perOptimizer: PerOptimizerTexts; model: ModelName; dataset: DatasetName } | null = null;
let lastResult: PageValidation | null = null;

export function selectValidation(s: Pick<ConfigState, 'texts' | 'optimizers' | 'perOptimizer' | 'model' | 'dataset'>): PageValidation {
  if (!last || !lastResult || s.texts !== last.texts || s.optimizers !== last.optimizers || s.perOptimizer !== last.perOptimizer || s.model !== last.model || s.dataset !== last.dataset) {
    last = { texts: s.texts, optimizers: s.optimizers, perOptimizer: s.perOptimizer, model: s.model, dataset: s.dataset };
    const form = validateForm(s.texts, s.optimizers, s.perOptimizer);
    const modelError = modelProblem(s.model, s.dataset);
    lastResult = modelError ? { ...form, ok: false, values: null, perOptimizer: null, modelError } : { ...form, modelError };
  }
  return lastResult;
}

export const useValidation = (): PageValidation => useConfigStore(selectValidation);
