// The files of a sweep (src/cli/sweep.ts): one finished run's summary in DIR/runs/{run id}.json, and the
// collected DIR/summary.json and DIR/summary.md (tables from src/cli/summary.ts).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { HP_NAMES } from '../engine/types';
import { REFERENCE_DEFAULT_BETA } from '../experiments/presets';
import type { RunSummary } from './experiment';
import { formatInteger, formatRate, summaryMarkdown, toSummaryRow, type SummaryRow } from './summary';
import type { PlannedRun, SweepOptions } from './sweepRuns';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A finished run's stored summary, or null when there is none (or it cannot be read: the run is redone). */
export function readRunSummary(file: string): Obj | null {
  if (!existsSync(file)) return null;
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return isObj(v) ? v : null;
  } catch {
    return null;
  }
}

export function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/**
 * A stored summary's `final_hp` (a Stack run's hyperparameters after its last iteration), kept in
 * summary.json's row: α and the names the run streams, each a number or null; undefined when the
 * summary has none or it is not of that shape.
 */
export function finalHpOf(s: Obj): RunSummary['final_hp'] {
  const f = s.final_hp;
  if (!isObj(f)) return undefined;
  const val = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  if (!('alpha' in f)) return undefined;
  const out: NonNullable<RunSummary['final_hp']> = { alpha: val(f.alpha) };
  for (const h of HP_NAMES) if (h in f) out[h] = val(f[h]);
  return out;
}

function budgetText(runs: readonly PlannedRun[]): string {
  const set = new Set(runs.map((r) => ('epochs' in r.config.budget ? `${r.config.budget.epochs} epochs` : `${formatInteger(r.config.budget.iterations)} iterations`)));
  return [...set].join(' / ');
}

/** Lines under the summary table's title: settings shared by the runs, and what β means for whom. */
export function settingsNotes(o: Pick<SweepOptions, 'preset' | 'seeds' | 'scale' | 'backend'>, runs: readonly PlannedRun[]): string[] {
  const t = o.preset.runs[0];
  const uniq = <T>(xs: T[]) => [...new Set(xs)];
  const mus = uniq(o.preset.runs.filter((r) => r.momentum !== 0).map((r) => r.momentum));
  const thresholds = uniq(o.preset.runs.map((r) => r.threshold).filter((x): x is number => x !== null));
  const lines = [
    `${o.preset.description}.`,
    '',
    `Settings: dataset ${t.dataset}, batch ${t.batchSize}, weight decay ${formatRate(t.weightDecay)}` +
      (mus.length ? `, μ ${mus.join(' / ')} (momentum optimizers)` : '') +
      `, inputs ${t.normalize ? 'normalised (0.1307 / 0.3081)' : 'in [0, 1], not normalised'}` +
      `, budget ${budgetText(runs)}${o.scale !== 1 ? ` (--scale ${o.scale})` : ''}` +
      (thresholds.length ? `, stop when the minibatch loss < ${thresholds.join(' / ')}` : '') +
      `, seeds 1–${o.seeds}, backend ${o.backend ?? 'train default (wasm)'}.`,
  ];
  if (o.preset.runs.some((r) => r.beta === REFERENCE_DEFAULT_BETA)) {
    lines.push(
      '',
      `β is unused by the classic optimizers; they are passed the reference train.py default ${formatRate(REFERENCE_DEFAULT_BETA)} (spec §4 item 11), so their reference-layout CSVs land in the reference's folders.`,
    );
  }
  return lines;
}

/** Reads every planned run's summary (in plan order) and writes DIR/summary.json and DIR/summary.md. */
export function writeSummaries(o: SweepOptions, runs: readonly PlannedRun[]): { rows: SummaryRow[]; missing: PlannedRun[] } {
  const rows: SummaryRow[] = [];
  const missing: PlannedRun[] = [];
  for (const r of runs) {
    const s = readRunSummary(r.summaryFile);
    if (!s) {
      missing.push(r);
      continue;
    }
    const finalHp = finalHpOf(s);
    rows.push({ ...toSummaryRow(s, { ...r.config }), ...(finalHp ? { final_hp: finalHp } : {}) });
  }
  writeAtomic(path.join(o.out, 'summary.json'), `${JSON.stringify(rows, null, 1)}\n`);
  const md = summaryMarkdown(rows, {
    title: `Sweep ${o.preset.name}`,
    notes: settingsNotes(o, runs),
    threshold: o.preset.runs.some((r) => r.threshold !== null),
    failed: missing.map((m) => m.id),
  });
  writeAtomic(path.join(o.out, 'summary.md'), md);
  return { rows, missing };
}

