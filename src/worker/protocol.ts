// Typed messages between the page (src/store/runner.ts) and a training worker (src/worker/train.worker.ts).
import type { BackendName, DatasetBuffers, MetricBatch, RunSpec, RunState } from '../engine/types';

export type ToWorker =
  | { type: 'start'; run: RunSpec; backend: BackendName | 'auto'; data: DatasetBuffers }
  | { type: 'pause' }
  | { type: 'resume' }
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
