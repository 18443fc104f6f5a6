// What the sweep keeps of one run while it streams: only what its metric needs, not the series.
// A run of the grid sends a metric batch every ~100 ms; the page keeps the last FINAL_LOSS_WINDOW
// minibatch losses (a ring), the first iteration whose loss fell below the threshold, and the last
// evaluation — a few hundred numbers per run however long it trains. Pure: no DOM, no worker.
import type { EvalRecord, MetricBatch, RunState, TrainConfig } from '../engine/types';
import { FINAL_LOSS_WINDOW, type SweepMetric, type SweepRun } from '../series/alphaSweep';

export class RunAccumulator {
  private readonly its: Float64Array;
  private readonly losses: Float64Array;
  /** Losses seen so far (the ring holds the last min(seen, window)). */
  private seen = 0;
  private crossing: { iteration: number; loss: number } | null = null;
  private lastEval: EvalRecord | null = null;

  /** `threshold`: watch for the first loss below it (iterations-to-threshold), else null. */
  constructor(private readonly threshold: number | null, private readonly window = FINAL_LOSS_WINDOW) {
    if (!Number.isInteger(window) || window < 1) throw new RangeError(`RunAccumulator: window must be a whole number ≥ 1, got ${window}`);
    this.its = new Float64Array(window);
    this.losses = new Float64Array(window);
  }

  /** Takes one streamed batch (the worker's 'metrics' message). O(batch length), no allocation kept. */
  add(batch: Pick<MetricBatch, 'train' | 'evals'>): void {
    const { iteration, loss } = batch.train;
    const n = Math.min(iteration.length, loss.length);
    for (let i = 0; i < n; i++) {
      const slot = this.seen % this.window;
      this.its[slot] = iteration[i];
      this.losses[slot] = loss[i];
      this.seen++;
      // NaN < threshold is false: a non-finite loss never counts as reaching it (as runValue).
      if (this.crossing === null && this.threshold !== null && loss[i] < this.threshold) {
        this.crossing = { iteration: iteration[i], loss: loss[i] };
      }
    }
    const e = batch.evals[batch.evals.length - 1];
    if (e) this.lastEval = e;
  }

  /** Losses taken so far. */
  get count(): number {
    return this.seen;
  }

  /**
   * The run as alphaSweep.runValue reads it for `metric`: for the final loss the kept tail in
   * iteration order; for the threshold only the first crossing (all runValue looks for there);
   * the last evaluation for the final validation loss. `metric` must be the one the accumulator was
   * made for (its threshold), or the crossing may be missing.
   */
  toSweepRun(runId: string, config: TrainConfig, state: RunState, metric: SweepMetric): SweepRun {
    const iteration: number[] = [];
    const loss: number[] = [];
    if (metric.kind === 'final-loss') {
      const k = Math.min(this.seen, this.window);
      for (let j = this.seen - k; j < this.seen; j++) {
        iteration.push(this.its[j % this.window]);
        loss.push(this.losses[j % this.window]);
      }
    } else if (metric.kind === 'iterations-to-threshold' && this.crossing) {
      iteration.push(this.crossing.iteration);
      loss.push(this.crossing.loss);
    }
    return { runId, config, state, train: { iteration, loss }, evals: this.lastEval ? [this.lastEval] : [] };
  }
}
