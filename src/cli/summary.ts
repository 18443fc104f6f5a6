// Pure functions behind a sweep's DIR/summary.json and DIR/summary.md: the per-run row, grouping by
// configuration over seeds, mean and sample standard deviation, and a markdown table with numbers
// written as people write them. No file system, no tfjs.
import type { RunSummary } from './experiment';
import { fixedDecimals, formatInteger, formatNumber, formatRate, groupThousands } from '../format/numbers';

export { fixedDecimals, formatInteger, formatNumber, formatRate };

/** One row of summary.json (issue 5 §4): a run's summary (from train), plus its preset. */
export interface SummaryRow extends RunSummary {
  preset: string;
  /** A Stack run's stack (the paper's notation): runs of one optimizer differ by it. */
  stack?: string;
}

export const SUMMARY_FIELDS = [
  'preset', 'dataset', 'model', 'optimizer', 'alpha0', 'beta', 'seed', 'iterations', 'grad_evals', 'train_loss', 'val_loss',
  'val_accuracy', 'lr_final', 'lr_min', 'lr_max', 'iterations_to_threshold', 'wall_s',
] as const;

type Obj = Record<string, unknown>;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * A summary row from the train command's summary JSON, the sweep's own settings filling what it lacks.
 * Non-finite or missing metrics become null (a diverged run).
 */
export function toSummaryRow(
  train: Obj,
  fallback: { preset: string; dataset: string; model: string; optimizer: string; alpha0: number; beta: number; seed: number; options?: { stack?: string } },
): SummaryRow {
  const str = (k: string, d: string): string => (typeof train[k] === 'string' ? (train[k] as string) : d);
  return {
    preset: fallback.preset,
    dataset: str('dataset', fallback.dataset),
    model: str('model', fallback.model),
    optimizer: str('optimizer', fallback.optimizer),
    alpha0: num(train.alpha0) ?? fallback.alpha0,
    beta: num(train.beta) ?? fallback.beta,
    seed: num(train.seed) ?? fallback.seed,
    iterations: num(train.iterations) ?? 0,
    // Summaries written before gradient evaluations were counted: first-order runs spend one per iteration.
    grad_evals: num(train.grad_evals) ?? num(train.iterations) ?? 0,
    train_loss: num(train.train_loss),
    val_loss: num(train.val_loss),
    val_accuracy: num(train.val_accuracy),
    lr_final: num(train.lr_final),
    lr_min: num(train.lr_min),
    lr_max: num(train.lr_max),
    iterations_to_threshold: num(train.iterations_to_threshold),
    wall_s: num(train.wall_s) ?? 0,
    state: str('state', 'done') as RunSummary['state'],
    ...(fallback.options?.stack !== undefined ? { stack: fallback.options.stack } : {}),
  };
}

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (n − 1 in the denominator); NaN for fewer than two values. */
export function sampleStd(xs: readonly number[]): number {
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return Math.sqrt(s / (xs.length - 1));
}

/** The finite values among possibly-null ones. */
export function present(xs: readonly (number | null | undefined)[]): number[] {
  return xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
}

export interface Group {
  key: string;
  preset: string;
  dataset: string;
  model: string;
  optimizer: string;
  stack?: string;
  alpha0: number;
  beta: number;
  rows: SummaryRow[];
}

/** The configuration of a row: everything but the seed. */
export function configKey(r: Pick<SummaryRow, 'preset' | 'dataset' | 'model' | 'optimizer' | 'stack' | 'alpha0' | 'beta'>): string {
  return [r.preset, r.dataset, r.model, r.optimizer, r.stack ?? '', r.alpha0, r.beta].join('|');
}

/** Rows grouped by configuration, groups in the order of their first row, rows in their order. */
export function groupByConfig(rows: readonly SummaryRow[]): Group[] {
  const groups = new Map<string, Group>();
  for (const r of rows) {
    const key = configKey(r);
    let g = groups.get(key);
    if (!g) {
      g = { key, preset: r.preset, dataset: r.dataset, model: r.model, optimizer: r.optimizer, ...(r.stack !== undefined ? { stack: r.stack } : {}), alpha0: r.alpha0, beta: r.beta, rows: [] };
      groups.set(key, g);
    }
    g.rows.push(r);
  }
  return [...groups.values()];
}

/**
 * "mean ± std" over the finite values: the mean with `sig` significant digits and the std to the same
 * decimals (two significant digits when the mean is in e-notation); one value: the mean alone; none: "—".
 * `fmt` = 'integer' rounds both to whole numbers; 'percent' writes fractions as percent with 2 decimals.
 */
export function formatMeanStd(values: readonly (number | null | undefined)[], fmt: 'number' | 'integer' | 'percent' | 'rate' = 'number', sig = 3): string {
  const xs = present(values);
  if (xs.length === 0) return '—';
  const m = mean(xs);
  const s = sampleStd(xs);
  if (fmt === 'integer') return xs.length < 2 ? formatInteger(m) : `${formatInteger(m)} ± ${formatInteger(s)}`;
  if (fmt === 'percent') return xs.length < 2 ? (100 * m).toFixed(2) : `${(100 * m).toFixed(2)} ± ${(100 * s).toFixed(2)}`;
  const head = fmt === 'rate' ? formatRate(m, sig) : formatNumber(m, sig);
  if (xs.length < 2) return head;
  if (fmt === 'rate') return `${head} ± ${formatRate(s, 2)}`;
  const d = head.includes('e') ? null : fixedDecimals(m, sig);
  const tail = d === null ? formatNumber(s, 2) : groupThousands(s.toFixed(d));
  return `${head} ± ${tail}`;
}

/**
 * Iterations to the threshold: the mean ± std over the seeds that reached it, and "n/N reached" where N
 * counts the group's runs. "—" when the threshold was not asked.
 */
export function formatThreshold(values: readonly (number | null)[], asked: boolean): string {
  if (!asked) return '—';
  const reached = present(values);
  const n = `${reached.length}/${values.length} reached`;
  return reached.length === 0 ? `— (${n})` : `${formatMeanStd(reached, 'integer')} (${n})`;
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

/** A markdown table; columns right-aligned when `align` says 'r'. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], align?: readonly ('l' | 'r')[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  const sep = `|${header.map((_, i) => ((align?.[i] ?? 'l') === 'r' ? '---:' : '---')).join('|')}|`;
  return [line(header), sep, ...rows.map(line)].join('\n') + '\n';
}

export interface MarkdownOptions {
  /** The preset's name and what it runs, written above the table. */
  title: string;
  /** Lines written under the title (settings, notes). */
  notes?: readonly string[];
  /** Whether the preset counts iterations to a threshold (adds the column). */
  threshold: boolean;
  /** Runs that failed or are missing, listed under the table. */
  failed?: readonly string[];
}

/** DIR/summary.md: one row per configuration with mean ± std over its seeds. */
export function summaryMarkdown(rows: readonly SummaryRow[], o: MarkdownOptions): string {
  const groups = groupByConfig(rows);
  const header = ['model', 'optimizer', 'α₀', 'β', 'seeds', 'iterations', 'gradient evaluations', 'train loss', 'val loss', 'val accuracy (%)', 'α final', 'α min', 'α max'];
  const align: ('l' | 'r')[] = ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'];
  if (o.threshold) {
    header.push('iterations to threshold');
    align.push('r');
  }
  header.push('wall (s)');
  align.push('r');
  const body = groups.map((g) => {
    const diverged = g.rows.filter((r) => r.state === 'diverged').length;
    const seeds = diverged ? `${g.rows.length} (${diverged} diverged)` : String(g.rows.length);
    const cells = [
      g.model,
      g.stack !== undefined ? `${g.optimizer} ${g.stack}` : g.optimizer,
      formatRate(g.alpha0),
      formatRate(g.beta),
      seeds,
      formatMeanStd(g.rows.map((r) => r.iterations), 'integer'),
      formatMeanStd(g.rows.map((r) => r.grad_evals), 'integer'),
      formatMeanStd(g.rows.map((r) => r.train_loss)),
      formatMeanStd(g.rows.map((r) => r.val_loss)),
      formatMeanStd(g.rows.map((r) => r.val_accuracy), 'percent'),
      formatMeanStd(g.rows.map((r) => r.lr_final), 'rate'),
      formatMeanStd(g.rows.map((r) => r.lr_min), 'rate'),
      formatMeanStd(g.rows.map((r) => r.lr_max), 'rate'),
    ];
    if (o.threshold) cells.push(formatThreshold(g.rows.map((r) => r.iterations_to_threshold), true));
    cells.push(formatMeanStd(g.rows.map((r) => r.wall_s), 'number', 2));
    return cells;
  });
  const parts = [`# ${o.title}`, ''];
  if (o.notes?.length) parts.push(...o.notes, '');
  parts.push('Mean ± sample standard deviation over seeds (a value alone: one seed); losses and accuracy on the full test set at the end of the run; "—": no finite value.', '');
  parts.push(markdownTable(header, body, align));
  if (o.failed?.length) {
    parts.push('', `Runs without a summary (failed or not run): ${o.failed.length}`, '');
    for (const f of o.failed) parts.push(`- ${f}`);
    parts.push('');
  }
  return parts.join('\n');
}
