// `npm run controller -- eval`: a trained controller against the reference's baselines (baselines.py): a
// constant rate, and step decay with warm-up (×γ after 5 % of the steps, ÷γ after 40 % and 80 %: the
// reference's actions at steps 50, 400 and 800 of 1,000). Both baselines are tuned on seed 1 over the
// reference's initial rates {1e-2, 1e-3, 1e-4} (step decay also over γ ∈ {1.05, 10}: the controller's own
// factor, as in the reference, and the classic tenfold), by final validation loss (the reward's end point);
// the chosen ones and the controller (from α₀ = 1e-3, the reference's test setting) then train on seeds
// 1..N. Every run is the same episode (src/cli/controllerEpisode.ts) without noise on α, on the same
// held-out split; only the decisions differ.
import path from 'node:path';
import { holdOut } from '../data/holdout';
import type { Controller } from '../rl/controllerFile';
import { controllerDecide } from '../engine/learnedRun';
import { INITIAL_LRS, nextLr, UPDATE_FREQ } from '../rl/lrActions';
import type { LrControl } from '../engine/trainer';
import { runEpisode, type EpisodeResult, type EpisodeSettings } from './controllerEpisode';
import { loadNodeDataset } from './nodeData';
import { writeAtomic } from './experiment';
import { duration } from './progressBar';

export interface ControllerEvalOptions {
  controller: Controller;
  controllerPath: string;
  settings: EpisodeSettings;
  seeds: number;
  out: string;
  backend: 'wasm' | 'cpu' | 'webgpu';
  /** The controller's α₀ (the reference tests from 1e-3). */
  initialLr: number;
  quiet: boolean;
}

export const STEP_DECAY_GAMMAS: readonly number[] = [1.05, 10];

/** A fixed schedule as decisions: the factor for the steps after `t` steps (t a multiple of UPDATE_FREQ). */
export function stepDecayFactor(t: number, steps: number, gamma: number): number {
  // The reference counts env steps from 0 after the first observation (taken at step UPDATE_FREQ).
  const at = t - UPDATE_FREQ;
  const mark = (f: number) => Math.round((f * steps) / UPDATE_FREQ) * UPDATE_FREQ;
  if (at === mark(0.05)) return gamma;
  if (at === mark(0.4) || at === mark(0.8)) return 1 / gamma;
  return 1;
}

export function scheduled(factorAt: (t: number) => number): LrControl['decide'] {
  return async (t, f) => {
    const factor = factorAt(t);
    return { lr: nextLr(f[6], factor), factor };
  };
}


export interface RunRow {
  method: string;
  seed: number;
  alpha0: number;
  gamma: number | null;
  finalValLoss: number;
  bestValLoss: number;
  testLoss: number | null;
  testAccuracy: number | null;
  finalLr: number;
  wallS: number;
}

function row(method: string, seed: number, alpha0: number, gamma: number | null, r: EpisodeResult): RunRow {
  const c = r.controller;
  const last = c.at(-1)!;
  return {
    method,
    seed,
    alpha0,
    gamma,
    finalValLoss: last.features[1],
    bestValLoss: Math.min(...c.map((x) => x.features[1])),
    testLoss: r.test?.valLoss ?? null,
    testAccuracy: r.test?.valAccuracy ?? null,
    finalLr: last.features[6],
    wallS: r.wallS,
  };
}

export function meanStd(xs: number[]): { mean: number; std: number } {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std };
}

const METRICS = ['finalValLoss', 'bestValLoss', 'testLoss', 'testAccuracy'] as const;

export function summaryMarkdown(s: EvalSummary): string {
  const f = (x: { mean: number; std: number }, pct = false) => (pct ? `${(100 * x.mean).toFixed(2)} ± ${(100 * x.std).toFixed(2)} %` : `${x.mean.toFixed(4)} ± ${x.std.toFixed(4)}`);
  const lines = [
    `# Learned schedule vs baselines: ${s.settings.dataset}, ${s.settings.model}`,
    '',
    `Controller \`${s.controller.path}\` (trained on ${s.controller.dataset}/${s.controller.model}, ${s.controller.timesteps} timesteps). ` +
      `${s.seeds} seeds, ${s.settings.steps} steps of batch ${s.settings.batchSize} after the first observation, Adam, validation on ${s.validationImages} held-out training images.`,
    '',
    '| method | α₀ | final val loss | best val loss | test loss | test accuracy |',
    '|---|---|---|---|---|---|',
    ...s.methods.map((m) =>
      `| ${m.label} | ${m.alpha0} | ${f(m.finalValLoss)} | ${f(m.bestValLoss)} | ${m.testLoss ? f(m.testLoss) : '–'} | ${m.testAccuracy ? f(m.testAccuracy, true) : '–'} |`,
    ),
    '',
    `Tuning on seed 1 (final validation loss): ${s.tuning.map((t) => `${t.label} ${t.finalValLoss.toFixed(4)}`).join('; ')}.`,
    '',
    s.verdict,
    '',
  ];
  return lines.join('\n');
}

export interface MethodSummary {
  method: string;
  label: string;
  alpha0: number;
  gamma: number | null;
  finalValLoss: { mean: number; std: number };
  bestValLoss: { mean: number; std: number };
  testLoss: { mean: number; std: number } | null;
  testAccuracy: { mean: number; std: number } | null;
  runs: RunRow[];
}

export interface EvalSummary {
  controller: { path: string; dataset: string; model: string; timesteps: number; episodes: number };
  settings: EpisodeSettings;
  seeds: number;
  validationImages: number;
  tuning: { label: string; alpha0: number; gamma: number | null; finalValLoss: number }[];
  methods: MethodSummary[];
  verdict: string;
  wallS: number;
}

export function summarizeMethod(method: string, label: string, rows: RunRow[]): MethodSummary {
  const col = (k: (typeof METRICS)[number]) => {
    const xs = rows.map((r) => r[k]).filter((x): x is number => x !== null && Number.isFinite(x));
    return xs.length === rows.length ? meanStd(xs) : null;
  };
  return {
    method,
    label,
    alpha0: rows[0].alpha0,
    gamma: rows[0].gamma,
    finalValLoss: col('finalValLoss') ?? { mean: NaN, std: NaN },
    bestValLoss: col('bestValLoss') ?? { mean: NaN, std: NaN },
    testLoss: col('testLoss'),
    testAccuracy: col('testAccuracy'),
    runs: rows,
  };
}

/** One sentence: does the controller beat the tuned step decay on final validation loss, by how much. */
export function verdict(learnedM: MethodSummary, step: MethodSummary): string {
  const a = learnedM.finalValLoss.mean;
  const b = step.finalValLoss.mean;
  const rel = (100 * (b - a)) / b;
  const acc = learnedM.testAccuracy && step.testAccuracy ? ` Test accuracy ${(100 * learnedM.testAccuracy.mean).toFixed(2)} % vs ${(100 * step.testAccuracy.mean).toFixed(2)} %.` : '';
  return a < b
    ? `The learned schedule beats the tuned step decay: final validation loss ${a.toFixed(4)} vs ${b.toFixed(4)} (${rel.toFixed(1)} % lower).${acc}`
    : `The learned schedule does not beat the tuned step decay: final validation loss ${a.toFixed(4)} vs ${b.toFixed(4)} (${(-rel).toFixed(1)} % higher).${acc}`;
}

export async function controllerEval(o: ControllerEvalOptions, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<EvalSummary> {
  const t0 = performance.now();
  const split = holdOut(await loadNodeDataset(o.settings.dataset));
  const steps = o.settings.steps;
  const grid = [
    ...INITIAL_LRS.map((a) => ({ label: `constant α₀=${a}`, method: 'constant', alpha0: a, gamma: null as number | null })),
    ...INITIAL_LRS.flatMap((a) => STEP_DECAY_GAMMAS.map((g) => ({ label: `step decay α₀=${a} γ=${g}`, method: 'step', alpha0: a, gamma: g as number | null }))),
  ];
  const planned = grid.length + 3 * o.seeds;
  let done = 0;
  const run = async (label: string, alpha0: number, seed: number, decide: LrControl['decide']) => {
    const r = await runEpisode(split, o.settings, alpha0, seed, decide);
    done++;
    if (!o.quiet) {
      const secs = (performance.now() - t0) / 1000;
      log(`controller eval [${done}/${planned}] ${label}, seed ${seed}: final val loss ${r.controller.at(-1)?.features[1].toFixed(4)} (${r.wallS.toFixed(1)} s, ETA ${duration((secs / done) * (planned - done))})`);
    }
    return r;
  };
  const decideFor = (g: (typeof grid)[number]) => scheduled((t) => (g.gamma === null ? 1 : stepDecayFactor(t, steps, g.gamma)));
  const tuning: EvalSummary['tuning'] = [];
  for (const g of grid) {
    const r = await run(g.label, g.alpha0, 1, decideFor(g));
    tuning.push({ label: g.label, alpha0: g.alpha0, gamma: g.gamma, finalValLoss: row(g.method, 1, g.alpha0, g.gamma, r).finalValLoss });
  }
  const best = (method: string) =>
    grid.filter((g) => g.method === method).reduce((a, b) => {
      const fa = tuning.find((t) => t.label === a.label)!.finalValLoss;
      const fb = tuning.find((t) => t.label === b.label)!.finalValLoss;
      return Number.isFinite(fb) && !(fa <= fb) ? b : a;
    });
  const chosen = [
    { method: 'learned', label: 'learned schedule', alpha0: o.initialLr, gamma: null as number | null, decide: (seed: number) => controllerDecide(o.controller, seed) },
    ...['constant', 'step'].map((m) => {
      const g = best(m);
      return { method: m, label: `${m === 'step' ? 'step decay' : 'constant'} (tuned: α₀=${g.alpha0}${g.gamma ? `, γ=${g.gamma}` : ''})`, alpha0: g.alpha0, gamma: g.gamma, decide: () => decideFor(g) };
    }),
  ];
  const methods: MethodSummary[] = [];
  for (const c of chosen) {
    const rows: RunRow[] = [];
    for (let seed = 1; seed <= o.seeds; seed++) {
      const r = await run(c.label, c.alpha0, seed, c.decide(seed));
      rows.push(row(c.method, seed, c.alpha0, c.gamma, r));
      writeAtomic(path.join(o.out, 'runs', `${c.method}-seed${seed}.json`), `${JSON.stringify({ ...rows.at(-1), decisions: r.controller })}\n`);
    }
    methods.push(summarizeMethod(c.method, c.label, rows));
  }
  const summary: EvalSummary = {
    controller: { path: o.controllerPath, dataset: o.controller.trained.dataset, model: o.controller.trained.model, timesteps: o.controller.trained.timesteps, episodes: o.controller.trained.episodes },
    settings: o.settings,
    seeds: o.seeds,
    validationImages: split.val.labels.length,
    tuning,
    methods,
    verdict: verdict(methods[0], methods[2]),
    wallS: (performance.now() - t0) / 1000,
  };
  writeAtomic(path.join(o.out, 'summary.json'), `${JSON.stringify(summary, null, 1)}\n`);
  writeAtomic(path.join(o.out, 'summary.md'), summaryMarkdown(summary));
  log(`controller eval: ${summary.verdict}`);
  return summary;
}
