// One run as a CSV in the reference experiments' own layout (spec §6), so our runs can be plotted
// with the same scripts as, and diffed against, the files of the original repositories:
//   O = gbaydin/hypergradient-descent train.py, V = harshalmittal4/Hypergradient_variants train.py.
//
// What both train.py files do, and what we therefore write:
// - Header `Epoch,Iteration,Time,Loss,LossEpoch,ValidLossEpoch,Alpha,AlphaEpoch,Beta`, once.
// - Row 0, before training, is logged as (0, 0, 0, loss, loss, valid_loss, alpha_0, alpha_0, beta):
//   Epoch 0, Iteration 0, Time the integer 0, Loss AND LossEpoch both the eval-mode loss of the
//   first training batch, ValidLossEpoch the validation loss, Alpha AND AlphaEpoch both α0.
//   Missing values (no evaluation recorded at iteration 0) are written `nan`; row 0 is always there.
// - Then one row per training iteration: Epoch is 1-based, Iteration is the 1-based global
//   iteration (V's numbering; O increments before logging, so its first row says 2: we follow V),
//   Time is seconds since training started, Loss the minibatch loss before the step, Alpha α after
//   the step, and LossEpoch/ValidLossEpoch/AlphaEpoch are `nan` except on the last batch of an
//   epoch (iteration a multiple of itersPerEpoch). There LossEpoch is the mean minibatch loss of the
//   epoch, AlphaEpoch the mean α of the epoch, ValidLossEpoch the validation loss evaluated at that
//   iteration (`nan` if no evaluation happened there, e.g. with a custom evalEvery).
// - Beta is config.beta on every row (the originals log --beta even for non-HD optimizers).
// - Numbers: the originals write Python floats through csv.writer, i.e. Python's repr (`0.001`,
//   `1e-06`, `2.0`, `nan`), and Epoch/Iteration as integers. We write the same strings
//   (formatPythonFloat), so a file can be compared with a reference file textually.
//
// Where we deliberately differ from the originals:
// - Epoch means are summed in float64 over the recorded iterations of the epoch (V and O add up
//   float32 loss tensors); for a complete epoch that count equals itersPerEpoch, which is what V
//   divides by.
// - V stops *before logging* the last iteration of an --iterations budget or the iteration that
//   met --lossThreshold; we write every iteration the engine recorded. V also appends a second
//   header when a file is rerun; we write a fresh file.
// - A partial final epoch (run stopped, or an iteration budget ending mid-epoch) simply has no
//   epoch-end row. A diverged run keeps its rows up to and including `divergedAt`, the iteration
//   whose loss was NaN/Inf (written `nan`/`inf`); later rows, if any were recorded, are dropped.
// Rows end with '\n' (Python's csv.writer uses '\r\n'; readers accept both).
import type { ModelName, RunRecord } from '../engine/types';
import { formatPythonFloat as py, joinLines, safeFilePart } from './csv';

export const REFERENCE_COLUMNS = [
  'Epoch', 'Iteration', 'Time', 'Loss', 'LossEpoch', 'ValidLossEpoch', 'Alpha', 'AlphaEpoch', 'Beta',
] as const;

export function referenceCsv(run: RunRecord, itersPerEpoch: number): string {
  if (!Number.isInteger(itersPerEpoch) || itersPerEpoch < 1) {
    throw new Error(`itersPerEpoch must be a positive integer, got ${itersPerEpoch}`);
  }
  const { alpha0, beta } = run.config;
  const betaText = py(beta);
  // Validation loss by iteration; the last record wins if an iteration was evaluated twice.
  const valLossAt = new Map<number, number>();
  for (const ev of run.evals) valLossAt.set(ev.iteration, ev.valLoss);
  const before = run.evals.find((ev) => ev.iteration === 0);
  const firstBatchLoss = py(before?.firstBatchLoss ?? NaN);

  const lines: string[] = [REFERENCE_COLUMNS.join(',')];
  lines.push(['0', '0', '0', firstBatchLoss, firstBatchLoss, py(valLossAt.get(0) ?? NaN),
    py(alpha0), py(alpha0), betaText].join(','));

  const t = run.train;
  const lastIteration = run.divergedAt ?? Infinity;
  let lossSum = 0;
  let alphaSum = 0;
  let count = 0;
  for (let i = 0; i < t.iteration.length; i++) {
    const it = t.iteration[i];
    if (it > lastIteration) break;
    const epoch = Math.ceil(it / itersPerEpoch);
    lossSum += t.loss[i];
    alphaSum += t.lr[i];
    count++;
    let lossEpoch = 'nan';
    let validEpoch = 'nan';
    let alphaEpoch = 'nan';
    if (it % itersPerEpoch === 0) {
      lossEpoch = py(lossSum / count);
      validEpoch = py(valLossAt.get(it) ?? NaN);
      alphaEpoch = py(alphaSum / count);
      lossSum = alphaSum = count = 0;
    }
    lines.push([String(epoch), String(it), py(t.time[i]), py(t.loss[i]), lossEpoch, validEpoch,
      py(t.lr[i]), alphaEpoch, betaText].join(','));
  }
  return joinLines(lines);
}

/** `{optimizer}.csv`, as the originals name the file after --method; unsafe characters become '_'. */
export function referenceCsvFilename(run: Pick<RunRecord, 'config'>): string {
  return `${safeFilePart(run.config.optimizer)}.csv`;
}

/** Python's '{:+.0e}' (`+1e-03`), used by the originals' folder names. */
function signedExp0(x: number): string {
  const [m, e] = x.toExponential(0).split('e');
  const exp = Number(e);
  return `${x < 0 ? '' : '+'}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** The originals' folder per model (their --model names): results/vgg/… for VGG-16-BN. */
const REFERENCE_MODEL_DIR: Partial<Record<ModelName, string>> = { vgg16bn: 'vgg' };

/**
 * The originals' relative path `{model}/{α0:+.0e}_{β:+.0e}/{method}.csv`, e.g.
 * `mlp/+1e-03_+1e-07/Adam-HD.csv`, for writing a whole sweep into the reference folder layout.
 */
export function referenceCsvPath(run: Pick<RunRecord, 'config'>): string {
  const c = run.config;
  // Runs of one optimizer differ by their stack: each gets its own file (Stack_Adam_SGD_1e-5_.csv).
  const name = c.options?.stack !== undefined ? `${c.optimizer} ${c.options.stack}` : c.optimizer;
  return `${safeFilePart(REFERENCE_MODEL_DIR[c.model] ?? c.model)}/${signedExp0(c.alpha0)}_${signedExp0(c.beta)}/${safeFilePart(name)}.csv`;
}
