// One tidy ("long") CSV for every run on the page: one row per run × iteration × metric, so
// pandas/R/a spreadsheet can filter and pivot it without knowing our data structures.
//
// Columns: the fixed identification columns first (their names and order are part of the
// product), then the remaining hyperparameters and run metadata, so every number in the file can
// be traced back to the exact configuration that produced it.
//
// Rows: per run (in the given order), by iteration ascending; within an iteration the metric order
// is event:KEY (mid-run edits), train_loss, lr, grad_evals, hp:alpha, hp:mu, hp:beta1, hp:beta2,
// hp:gamma, precond_q10/q50/q90:LAYER, ctrl:*, val_loss, val_accuracy. The evaluation before training is iteration 0 and has only val_* rows. `lr` is α
// after update t (a second-order run's effective step size), `train_loss` the minibatch loss before
// it (types.ts).
// Second-order runs (ESGD-M, L-BFGS) also have `grad_evals`, the gradient evaluations so far after
// iteration t (first-order runs: none, it equals the iteration), and ESGD-M, at each iteration that
// re-estimated its preconditioner, `precond_q10:LAYER`, `precond_q50:LAYER`, `precond_q90:LAYER`: the
// 10/50/90 % quantiles of √d over the parameters of the layer (torch module name, e.g. layers.0),
// one triple per layer in the record's order.
// Stack runs (a hyperoptimizer that also tunes its model level's μ, β₁, β₂ or γ) have, on every
// training point, `hp:alpha` (the same number as `lr`: α after update t, written again so the tuned
// hyperparameters read as one family) and one `hp:NAME` row per column the run streams (mu, beta1,
// beta2, gamma: the value after update t; nan where the run has no value for that point). Other runs
// have no hp: rows.
// Adam + learned schedule runs have, at each iteration where the controller decided (every 10 steps and
// the last one), one row per feature it read, `ctrl:train_loss`, `ctrl:val_loss`, `ctrl:pred_var`,
// `ctrl:pred_change_var`, `ctrl:out_w_mean`, `ctrl:out_w_var`, `ctrl:lr` (CONTROLLER_FEATURES: raw, before the
// controller's normalisation; `ctrl:lr` is the α of the steps before), then `ctrl:factor` (what α was
// multiplied by) and `ctrl:next_lr` (α from the next iteration on). Other runs have no ctrl: rows.
import { CONTROLLER_FEATURES, HP_NAMES, type ControllerFeature, type ControllerRecord, type CurvatureRecord, type EvalRecord, type HpName, type RunRecord, type TrainConfig } from '../engine/types';
import { optimizerInfo } from '../optim/catalog';
import { HYPER_DEFAULTS, type Hyper } from '../optim/hyper';
import { describeSchedule, type ScheduleSpec } from '../optim/schedules';
import { escapeField, formatNumber, joinLines } from './csv';

function scheduleText(spec: ScheduleSpec): string {
  try {
    return describeSchedule(spec);
  } catch {
    return 'invalid';
  }
}

function optionValueText(key: keyof Hyper, v: unknown): string {
  if (key === 'schedule') return scheduleText(v as ScheduleSpec);
  if (v === null || v === undefined) return 'none';
  if (typeof v === 'number') return formatNumber(v);
  return String(v);
}

/**
 * The `options` cell: every entry of `config.options` whose value differs from the optimizer's own
 * default (HYPER_DEFAULTS overlaid with its catalog `defaults`), as `key=value` joined by `;`, in the
 * order of the fields of HYPER_DEFAULTS. Numbers as in the other columns, booleans `true`/`false`,
 * a null safeguard `none`, the schedule in describeSchedule's form (e.g. `step(size=100;gamma=0.5)`).
 * Empty when the run used only defaults. (Escaped by the caller.)
 */
export function optionsText(config: TrainConfig): string {
  const set = config.options;
  if (!set) return '';
  let defaults: Hyper = HYPER_DEFAULTS;
  try {
    defaults = { ...HYPER_DEFAULTS, ...optimizerInfo(config.optimizer).defaults };
  } catch {
    // An optimizer unknown to this build: compare with the library defaults.
  }
  const pairs: string[] = [];
  const keys = [...Object.keys(HYPER_DEFAULTS), ...Object.keys(set).filter((k) => !(k in HYPER_DEFAULTS))] as (keyof Hyper)[];
  for (const key of keys) {
    if (!(key in set)) continue;
    const v = set[key];
    if (v === undefined) continue;
    const text = optionValueText(key, v);
    if (text === optionValueText(key, defaults[key])) continue;
    pairs.push(`${key}=${text}`);
  }
  return pairs.join(';');
}

export const TIDY_COLUMNS = [
  'run_id', 'optimizer', 'dataset', 'model', 'alpha0', 'beta', 'batch_size', 'seed',
  'iteration', 'epoch', 'metric', 'value',
  // Appended config columns: same value on every row of a run.
  'momentum', 'weight_decay', 'eval_every', 'backend', 'state',
  // The run's options (src/optim/hyper.ts) that differ from its optimizer's defaults.
  'options',
  // VGG-16-BN's width multiplier; empty for models without one.
  'width',
] as const;

/** The quantiles of a curvature record, in the order they are written. */
export const PRECOND_QUANTILES = ['q10', 'q50', 'q90'] as const;
export type PrecondQuantile = (typeof PRECOND_QUANTILES)[number];

/** The tuned hyperparameters' metrics: `hp:alpha` (= lr) and `hp:mu`, `hp:beta1`, `hp:beta2`, `hp:gamma`. */
export type HpMetric = `hp:${'alpha' | HpName}`;
export const HP_ALPHA_METRIC: HpMetric = 'hp:alpha';
export const hpMetric = (h: HpName): HpMetric => `hp:${h}`;

/** A learned schedule's decision rows: its features, the factor and the next α. */
export type CtrlMetric = `ctrl:${ControllerFeature | 'factor' | 'next_lr'}`;
/** The ctrl: metrics of one decision, in the order they are written. */
export const CTRL_METRICS: readonly CtrlMetric[] = [...CONTROLLER_FEATURES.map((f): CtrlMetric => `ctrl:${f}`), 'ctrl:factor', 'ctrl:next_lr'];

export type TidyMetric =
  | 'train_loss' | 'lr' | 'grad_evals' | HpMetric | CtrlMetric | 'val_loss' | 'val_accuracy' | `event:${string}` | `precond_${PrecondQuantile}:${string}`;

/** A decision's values in CTRL_METRICS order (a missing feature reads NaN). */
export function ctrlValues(r: ControllerRecord): number[] {
  return [...CONTROLLER_FEATURES.map((_, i) => r.features[i] ?? NaN), r.factor, r.lr];
}

/** The metric of one preconditioner quantile of one layer: `precond_q50:layers.0`. */
export function precondMetric(q: PrecondQuantile, layer: string): TidyMetric {
  return `precond_${q}:${layer}`;
}

/**
 * A mid-run edit's value in the numeric `value` column: numbers as they are, switches as 1 / 0, "no
 * bound" (null) and a schedule as nan (the schedule itself is not written; the sidecar JSON has it).
 */
export function eventValue(v: unknown): number {
  return typeof v === 'number' ? v : typeof v === 'boolean' ? (v ? 1 : 0) : NaN;
}

/** Everything before `iteration`, formatted once per run (the row loop then only concatenates). */
function runPrefix(run: RunRecord): string {
  const c: TrainConfig = run.config;
  return [
    escapeField(run.runId), escapeField(c.optimizer), escapeField(c.dataset), escapeField(c.model),
    formatNumber(c.alpha0), formatNumber(c.beta), formatNumber(c.batchSize), formatNumber(c.seed),
  ].join(',');
}

/** Everything after `value`, likewise once per run. Empty cells mean "not set" (null). */
function runSuffix(run: RunRecord): string {
  const c = run.config;
  return [
    formatNumber(c.momentum), formatNumber(c.weightDecay),
    c.evalEvery === null ? '' : formatNumber(c.evalEvery),
    run.backend === null ? '' : escapeField(run.backend), escapeField(run.state),
    escapeField(optionsText(c)),
    c.width === undefined ? '' : formatNumber(c.width),
  ].join(',');
}

function pushRunRows(run: RunRecord, out: string[]): void {
  const pre = runPrefix(run) + ',';
  const post = ',' + runSuffix(run);
  const row = (iteration: number, epoch: number, metric: TidyMetric, value: number) =>
    `${pre}${iteration},${epoch},${metric},${formatNumber(value)}${post}`;
  // Layer names are the model's own, but quote them like any text (a ',' would break the row).
  const precondRows = (c: CurvatureRecord, epoch: number) => {
    for (const l of c.layers) {
      for (const q of PRECOND_QUANTILES) {
        out.push(`${pre}${c.iteration},${epoch},${escapeField(precondMetric(q, l.layer))},${formatNumber(l[q])}${post}`);
      }
    }
  };

  const t = run.train;
  // Evaluations normally arrive in iteration order already; sorting a copy makes the merge robust.
  const evals: EvalRecord[] = [...run.evals].sort((a, b) => a.iteration - b.iteration);
  let e = 0;
  const pushEval = (ev: EvalRecord) => {
    out.push(row(ev.iteration, ev.epoch, 'val_loss', ev.valLoss));
    out.push(row(ev.iteration, ev.epoch, 'val_accuracy', ev.valAccuracy));
  };
  // Mid-run edits: one `event:KEY` row per changed value, before the train rows of the first iteration
  // that used it (epoch: that iteration's).
  const events = run.events ?? [];
  let k = 0;
  const pushEvents = (upTo: number, epoch: number) => {
    for (; k < events.length && events[k].iteration <= upTo; k++) {
      for (const [key, v] of Object.entries(events[k].changes)) out.push(row(events[k].iteration, epoch, `event:${key}`, eventValue(v)));
    }
  };
  const ctrlRows = (r: ControllerRecord, epoch: number) => {
    const v = ctrlValues(r);
    for (let j = 0; j < CTRL_METRICS.length; j++) out.push(row(r.iteration, epoch, CTRL_METRICS[j], v[j]));
  };
  const ctrl = [...(run.controller ?? [])].sort((a, b) => a.iteration - b.iteration);
  let d = 0;
  // Preconditioner snapshots (stable sort by iteration). One at an iteration without a training point
  // gets the epoch of the last training point before it (0 before any).
  const curv = [...(run.curvature ?? [])].sort((a, b) => a.iteration - b.iteration);
  let c = 0;
  let lastEpoch = 0;
  const ge = t.gradEvals && t.gradEvals.length === t.iteration.length ? t.gradEvals : null;
  // A Stack run's hyperparameter columns (those as long as `iteration`), in HP_NAMES order.
  const hps = HP_NAMES.flatMap((h) => {
    const col = t.hp?.[h];
    return col && col.length === t.iteration.length ? [[hpMetric(h), col] as const] : [];
  });
  // Evaluations, snapshots and decisions before iteration `limit` (without training points of their
  // own), by iteration; at equal ones snapshots, then decisions, then evaluations (as after a training
  // point's rows).
  const pushBefore = (limit: number) => {
    for (;;) {
      const ce = e < evals.length && evals[e].iteration < limit ? evals[e].iteration : Infinity;
      const cc = c < curv.length && curv[c].iteration < limit ? curv[c].iteration : Infinity;
      const cd = d < ctrl.length && ctrl[d].iteration < limit ? ctrl[d].iteration : Infinity;
      const least = Math.min(ce, cc, cd);
      if (least === Infinity) return;
      if (cc === least) precondRows(curv[c++], lastEpoch);
      else if (cd === least) ctrlRows(ctrl[d++], lastEpoch);
      else pushEval(evals[e++]);
    }
  };
  // Merge the iteration-sorted streams; at equal iterations the train rows come first.
  for (let i = 0; i < t.iteration.length; i++) {
    const it = t.iteration[i];
    pushBefore(it);
    pushEvents(it, t.epoch[i]);
    out.push(row(it, t.epoch[i], 'train_loss', t.loss[i]));
    out.push(row(it, t.epoch[i], 'lr', t.lr[i]));
    if (ge) out.push(row(it, t.epoch[i], 'grad_evals', ge[i]));
    if (hps.length > 0) {
      out.push(row(it, t.epoch[i], HP_ALPHA_METRIC, t.lr[i]));
      for (const [m, col] of hps) out.push(row(it, t.epoch[i], m, col[i]));
    }
    while (c < curv.length && curv[c].iteration === it) precondRows(curv[c++], t.epoch[i]);
    while (d < ctrl.length && ctrl[d].iteration === it) ctrlRows(ctrl[d++], t.epoch[i]);
    while (e < evals.length && evals[e].iteration === it) pushEval(evals[e++]);
    lastEpoch = t.epoch[i];
  }
  pushBefore(Infinity);
  // Edits after the last recorded iteration (a run cut off right after one).
  pushEvents(Infinity, t.epoch.length > 0 ? t.epoch[t.epoch.length - 1] : 0);
}

/** The tidy CSV of all runs. Built as an array of lines and joined once (fast for ~10⁶ rows). */
export function tidyCsv(runs: readonly RunRecord[]): string {
  const lines: string[] = [TIDY_COLUMNS.join(',')];
  for (const run of runs) pushRunRows(run, lines);
  return joinLines(lines);
}

/** `hypergradient-runs-YYYY-MM-DD_HH-MM-SS.csv` in local time (no ':' so it is valid everywhere). */
export function tidyCsvFilename(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const day = `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}`;
  const time = `${p(date.getHours())}-${p(date.getMinutes())}-${p(date.getSeconds())}`;
  return `hypergradient-runs-${day}_${time}.csv`;
}
