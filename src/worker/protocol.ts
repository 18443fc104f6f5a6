// Typed messages between the page (src/store/runner.ts) and a training worker (src/worker/train.worker.ts).
import type { BackendName, DatasetBuffers, MetricBatch, RunSpec, RunState } from '../engine/types';
import type { Hyper } from '../optim/hyper';
import type { CrashMode } from './faults';

export type ToWorker =
  /**
   * `faults`: accept the test-only `__crash` messages (the page sets it only with `?faults=1`: src/worker/faults.ts).
   * `threads`: wasm threads for this run (src/sched/threads.ts; above 1 only where the page is cross-origin
   * isolated); absent: 1, the single-threaded build.
   * `controllerText`: an Adam + learned schedule run with a loaded controller (options.controller
   * `file:…`): the file's text as this browser keeps it (src/store/controllers.ts); absent when the
   * browser does not have it (the run then ends with the reason). A shipped controller is fetched by the
   * worker from the app's base URL, resolved against `pageUrl` (the page's address).
   */
  | {
      type: 'start';
      run: RunSpec;
      backend: BackendName | 'auto';
      data: DatasetBuffers;
      faults?: boolean;
      threads?: number;
      controllerText?: string;
      pageUrl?: string;
    }
  | { type: 'pause' }
  | { type: 'resume' }
  /** A mid-run edit: these values from the next iteration on. */
  | { type: 'edit'; changes: Partial<Hyper> }
  | { type: 'stop' }
  /** Test only (ignored unless the start message had `faults: true`): make this worker fail the given way. */
  | { type: '__crash'; mode: CrashMode };

export type FromWorker =
  /**
   * `threads`: on wasm, the threads its module computes with (1: the single-threaded build); `ownKernels`: on
   * wasm, the project's own kernels' status (src/kernels/ownKernels.ts: 'on', or 'off: why').
   */
  | { type: 'backend'; runId: string; backend: BackendName; threads?: number; ownKernels?: string }
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
      /** Live tensors in the worker's tfjs engine when it was sent (leak watch: bench/soak.ts). */
      tensors?: number;
    };
