// The Stack builder's model (src/ui/StackBuilder.tsx): the rows of a stack spec (one per level,
// bottom first) and the edits the rows make, each returning a new spec that formatStack prints back
// into the spec text. Pure: no React, no DOM. The spec's grammar and defaults are src/optim/stackSpec.ts.
import {
  HYPER_ORDER,
  STACK_CLASSES,
  formatStack,
  parseStack,
  type HyperName,
  type StackLevel,
  type StackOptimizer,
  type StackSpec,
} from '../optim/stackSpec';
import { parseNumber } from './validate';

export const STACK_OPTIMIZERS: readonly StackOptimizer[] = ['SGD', 'Adam', 'RMSProp', 'AdaGrad'];

/** The hyperparameters besides α a level's row has an input for (ε stays as the text gives it). */
export type ExtraName = 'mu' | 'beta1' | 'beta2' | 'gamma';
export const EXTRA_ORDER: readonly ExtraName[] = ['mu', 'beta1', 'beta2', 'gamma'];

export const HYPER_SYMBOLS: Record<HyperName, string> = { alpha: 'α', mu: 'μ', beta1: 'β₁', beta2: 'β₂', gamma: 'γ' };

/** The spec a text describes, or the parser's message. */
export function readStack(text: string): { spec: StackSpec; error: null } | { spec: null; error: string } {
  try {
    return { spec: parseStack(text), error: null };
  } catch (e) {
    return { spec: null, error: e instanceof Error ? e.message : String(e) };
  }
}

/** The row's heading: "Level 1 (model)", "Level 2", … */
export function levelTitle(index: number): string {
  return index === 0 ? 'Level 1 (model)' : `Level ${index + 1}`;
}

/** The step size's symbol: α for the model's optimizer, κ (the paper's) for the levels above. */
export function stepSymbol(index: number): 'α' | 'κ' {
  return index === 0 ? 'α' : 'κ';
}

/** A number as the spec prints it: plain down to 0.001, 1e-5 below (formatStack's form). */
export function stackNumberText(x: number | null | undefined): string {
  if (x === null || x === undefined) return '';
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? x.toExponential().replace('e+', 'e') : String(x);
}

/** The extra hyperparameters of a class that get an input (its own constructor arguments but ε). */
export function extrasOf(optimizer: StackOptimizer): ExtraName[] {
  const extras = STACK_CLASSES[optimizer].extras;
  return EXTRA_ORDER.filter((e) => e in extras);
}

/** The hyperparameters of a level that the level above can tune: SGD's μ only with momentum (μ > 0). */
export function tunableOf(level: StackLevel): HyperName[] {
  return STACK_CLASSES[level.optimizer].tunable.filter((h) => !(h === 'mu' && level.optimizer === 'SGD' && !(level.mu! > 0)));
}

/** What a tuned box shows: tuned and tunable (SGD's μ at μ = 0 is neither). */
export function effectiveTuned(level: StackLevel): HyperName[] {
  const can = tunableOf(level);
  return level.tuned.filter((h) => can.includes(h));
}

/**
 * A level whose tuned list the spec can print and read back: never empty (the notation has no "tunes
 * nothing": no suffix means every tunable one), SGD's μ only with μ > 0, and the class's full list
 * when every tunable one is tuned (so the text carries no suffix it does not need).
 */
function normalized(level: StackLevel): StackLevel {
  let tuned = effectiveTuned(level);
  const all = STACK_CLASSES[level.optimizer].tunable;
  if (tuned.length === 0 || tuned.length === tunableOf(level).length) tuned = all.slice();
  return { ...level, tuned };
}

function withLevel(spec: StackSpec, index: number, level: StackLevel): StackSpec {
  const levels = spec.levels.slice();
  levels[index] = normalized(level);
  return { levels };
}

/** A fresh level of a class: its defaults, α not given, every tunable hyperparameter tuned. */
export function defaultLevel(optimizer: StackOptimizer, alpha: number | null = null): StackLevel {
  const info = STACK_CLASSES[optimizer];
  return { optimizer, alpha, ...info.extras, tuned: info.tunable.slice() };
}

/** Another class at this level: its step size kept, everything else the new class's defaults. */
export function setOptimizer(spec: StackSpec, index: number, optimizer: StackOptimizer): StackSpec {
  const old = spec.levels[index];
  if (old.optimizer === optimizer) return spec;
  return withLevel(spec, index, defaultLevel(optimizer, old.alpha));
}

/** The step size (null = not given: the model level runs at α₀, a level above at its class's default). */
export function setStepSize(spec: StackSpec, index: number, alpha: number | null): StackSpec {
  return withLevel(spec, index, { ...spec.levels[index], alpha });
}

export function setExtra(spec: StackSpec, index: number, key: ExtraName, value: number): StackSpec {
  return withLevel(spec, index, { ...spec.levels[index], [key]: value });
}

/** Whether the level above tunes `hyper` of this level. The last tuned one cannot be switched off. */
export function setTuned(spec: StackSpec, index: number, hyper: HyperName, on: boolean): StackSpec {
  const level = spec.levels[index];
  const now = new Set(effectiveTuned(level));
  if (on) now.add(hyper);
  else now.delete(hyper);
  if (now.size === 0) return spec;
  return withLevel(spec, index, { ...level, tuned: HYPER_ORDER.filter((h) => now.has(h)) });
}

/** A new top level: SGD with κ a tenth of the current top level's step size when that is given above the model, else 1e-5. */
export function addLevel(spec: StackSpec): StackSpec {
  const n = spec.levels.length;
  const top = spec.levels[n - 1];
  const kappa = n > 1 && top.alpha !== null && top.alpha > 0 ? Number((top.alpha / 10).toPrecision(12)) : 1e-5;
  return { levels: [...spec.levels, defaultLevel('SGD', kappa)] };
}

/** Drops the top level (a stack keeps at least its model level); the new top's tuned list is reset (nothing above tunes it). */
export function removeLevel(spec: StackSpec): StackSpec {
  if (spec.levels.length <= 1) return spec;
  const levels = spec.levels.slice(0, -1);
  const top = levels[levels.length - 1];
  levels[levels.length - 1] = { ...top, tuned: STACK_CLASSES[top.optimizer].tunable.slice() };
  return { levels };
}

export { formatStack };

// ---------- the number inputs of a row ----------

/** A step size typed in a row: null = empty (allowed), a number ≥ 0, or the message. */
export function readStepSize(text: string): { value: number | null } | { error: string } {
  if (text.trim() === '') return { value: null };
  const v = parseNumber(text);
  if (v === null) return { error: 'must be a number' };
  if (v < 0) return { error: 'must be ≥ 0' };
  return { value: v };
}

/** An extra typed in a row: μ ≥ 0; β₁, β₂, γ strictly between 0 and 1 (stackSpec's ranges). */
export function readExtra(key: ExtraName, text: string): { value: number } | { error: string } {
  const v = parseNumber(text);
  if (v === null) return { error: 'must be a number' };
  if (key === 'mu') return v >= 0 ? { value: v } : { error: 'must be ≥ 0' };
  return v > 0 && v < 1 ? { value: v } : { error: 'must be > 0 and < 1' };
}
