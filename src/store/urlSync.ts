// Keeps the page's address and its configuration in step (issue 6, item 7): the link is read once at
// page load, before React's first render, and the address is rewritten with history.replaceState as
// the configuration changes (debounced). The format and its validation are src/share/urlConfig.ts;
// this file only connects it to the stores and the address bar.
import { create } from 'zustand';
import {
  PASS_THROUGH_PARAMS,
  configTexts,
  decodeConfig,
  encodeConfig,
  type PageConfig,
} from '../share/urlConfig';
import { DEFAULTS, modelProblem, useConfigStore, type ConfigState } from './configStore';
import { SCHEDULE_KIND_KEY, validateOptimizerOptions, type PerOptimizerTexts } from '../config/optimizerOptions';
import { NUMERIC_FIELDS, validateField, type NumericField } from '../config/validate';
import { useViewStore, type ViewState } from './viewStore';

/** The problems of the link the page was opened with, for the alert region (src/ui/LinkProblems.tsx). */
interface LinkState {
  problems: string[];
  dismiss: () => void;
}

export const useLinkStore = create<LinkState>()((set) => ({
  problems: [],
  dismiss: () => set({ problems: [] }),
}));

/** Rewrites of the address wait this long after the last change (typing in a field changes it per key). */
export const WRITE_DELAY_MS = 300;

/**
 * The configuration the stores describe, as a link carries it. The form may hold text that is not a
 * valid value (someone is typing): such a field keeps its value from `fallback` (what the address
 * said last), and a per-optimizer setting with an error is left out (its default applies), so the
 * address always describes a configuration the page accepts.
 */
export function pageConfigOf(
  cfg: Pick<ConfigState, 'optimizers' | 'texts' | 'model' | 'dataset' | 'width' | 'perOptimizer'>,
  view: Pick<ViewState, 'smoothing' | 'xAxis' | 'logY' | 'lrScale' | 'fromZero' | 'family' | 'diffFromBaseline' | 'showSeeds'>,
  fallback: Pick<PageConfig, NumericField | 'optimizers'> = DEFAULTS,
): PageConfig {
  const numbers: Partial<Record<NumericField, number | null>> = {};
  for (const f of NUMERIC_FIELDS) {
    const r = validateField(f, cfg.texts[f]);
    numbers[f] = r.ok ? r.value : fallback[f];
  }
  const perOptimizer: PerOptimizerTexts = {};
  for (const [name, texts] of Object.entries(cfg.perOptimizer)) {
    const { errors } = validateOptimizerOptions(name, texts, cfg.texts);
    // An error on the schedule as a whole (SCHEDULE_KIND_KEY) drops every schedule key.
    const bad = (k: string) => k in errors || (k.startsWith('schedule.') && SCHEDULE_KIND_KEY in errors);
    const kept = Object.fromEntries(Object.entries(texts).filter(([k]) => !bad(k)));
    if (Object.keys(kept).length > 0) perOptimizer[name] = kept;
  }
  return {
    ...(numbers as Pick<PageConfig, NumericField>),
    optimizers: cfg.optimizers.length > 0 ? cfg.optimizers.slice() : fallback.optimizers.slice(),
    dataset: cfg.dataset,
    model: cfg.model,
    width: cfg.width,
    perOptimizer,
    smoothing: view.smoothing,
    xAxis: view.xAxis,
    logY: view.logY,
    lrScale: view.lrScale,
    fromZero: view.fromZero,
    family: view.family,
    diffFromBaseline: view.diffFromBaseline,
    showSeeds: view.showSeeds,
  };
}

/** The page's address for a configuration: the link's query, plus the pass-through parameters of `search`. */
export function addressFor(config: PageConfig, location: { pathname: string; search: string; hash: string }): string {
  const kept = new URLSearchParams(location.search);
  const extra = PASS_THROUGH_PARAMS.filter((p) => kept.has(p))
    .map((p) => `&${encodeURIComponent(p)}=${encodeURIComponent(kept.get(p) ?? '')}`)
    .join('');
  return `${location.pathname}${encodeConfig(config)}${extra}${location.hash}`;
}

function currentConfig(fallback?: PageConfig): PageConfig {
  return pageConfigOf(useConfigStore.getState(), useViewStore.getState(), fallback);
}

let lastWritten: PageConfig | null = null;
let linkModel = false;

/**
 * True when the page was opened with a link that names a model: start-up defaults that pick a model
 * (the reference MLP where a hardware GPU is found, src/ui/App.tsx) must then leave it alone.
 */
export function linkChoosesModel(): boolean {
  return linkModel;
}
let timer: ReturnType<typeof setTimeout> | null = null;

/** Writes the current configuration into the address now (Copy link calls it so the link is fresh). */
export function writeAddressNow(): string {
  if (timer !== null) {
    clearTimeout(timer);
    timer = null;
  }
  if (lastWritten === null || typeof window === 'undefined') return typeof location === 'undefined' ? '' : location.href;
  const config = currentConfig(lastWritten);
  lastWritten = config;
  const next = addressFor(config, window.location);
  const now = window.location.pathname + window.location.search + window.location.hash;
  if (next !== now) {
    // A hostile embedding may forbid it (sandboxed iframe): the page works on without a live link.
    try {
      window.history.replaceState(window.history.state, '', next);
    } catch {
      /* the address stays as it was */
    }
  }
  return window.location.href;
}

function scheduleWrite(): void {
  if (timer !== null) clearTimeout(timer);
  timer = setTimeout(writeAddressNow, WRITE_DELAY_MS);
}

/**
 * Reads the link into the stores and starts following changes. Call once, before the first render
 * (src/ui/LinkProblems.tsx does at module load), so the first frame already shows the link's values.
 */
export function startUrlSync(): void {
  if (lastWritten !== null || typeof window === 'undefined') return;
  const defaults = currentConfig();
  const { config, problems } = decodeConfig(window.location.search, defaults);
  // The link names a model the page knows (one it refused leaves the start-up default free to apply).
  linkModel = new URLSearchParams(window.location.search).get('model')?.trim() === config.model;
  applyPageConfig(config);
  // A model that does not fit the dataset (VGG on 28×28 MNIST) is kept as the link says, with the
  // same message the Model field shows (Start stays disabled until the person picks another).
  const misfit = modelProblem(config.model, config.dataset);
  if (misfit) problems.push(`The link's model does not fit its dataset: ${misfit}`);
  useLinkStore.setState({ problems });
  lastWritten = config;
  useConfigStore.subscribe(scheduleWrite);
  useViewStore.subscribe(scheduleWrite);
  scheduleWrite();
}

/**
 * Puts a configuration into the stores (one update each). A field whose text already reads as the
 * link's value keeps its text ('0.001' stays '0.001' rather than turning into the link's '1e-3').
 */
export function applyPageConfig(c: PageConfig): void {
  const current = useConfigStore.getState().texts;
  const texts = configTexts(c);
  for (const f of NUMERIC_FIELDS) {
    const r = validateField(f, current[f]);
    if (r.ok && r.value === c[f]) texts[f] = current[f];
  }
  useConfigStore.getState().applyConfig({
    optimizers: c.optimizers,
    texts,
    model: c.model,
    dataset: c.dataset,
    width: c.width,
    perOptimizer: c.perOptimizer,
  });
  const { smoothing, xAxis, logY, lrScale, fromZero, family, diffFromBaseline, showSeeds } = c;
  useViewStore.setState({ smoothing, xAxis, logY, lrScale, fromZero, family, diffFromBaseline, showSeeds });
}
