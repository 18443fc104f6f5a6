// Typed messages between the page (src/store/runner.ts) and a training worker (src/worker/train.worker.ts).
import type { BackendName, DatasetBuffers, MetricBatch, RunSpec, RunState } from '../engine/types';
import type { Hyper } from '../optim/hyper';

export type ToWorker =
  | { type: 'start'; run: RunSpec; backend: BackendName | 'auto'; data: DatasetBuffers }
  | { type: 'pause' }
  | { type: 'resume' }
  /** A mid-run edit: these values from the next iteration on. */
  | { type: 'edit'; changes: Partial<Hyper> }
  | { type: 'stop' };

export type FromWorker =
  | { type: 'backend'; runId: string; backend: BackendName }
  | { type: 'metrics'; batch: MetricBatch }
  | {
      type: 'status';
      runId: string;
      state: RunState;
      /** Last completed iteration (0 before training). */
      iteration: number;
      /** Total iterations of the budget. */
      total: number;
      message?: string;
    };
