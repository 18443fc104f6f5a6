// One training run per worker: choose the backend, run the engine, stream its batches to the page.
// Faults end the run with a named message (src/worker/faults.ts): an allocation failure thrown by the
// training code, an unhandled rejection, and the loss of the WebGPU device are reported here; an
// uncaught error reaches the page's worker.onerror (src/store/runner.ts).
import '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { chooseBackend, wasmThreadsInUse } from '../engine/backend';
import { ownKernelsStatus } from '../kernels/ownKernels';
import { patchThreadedFactorySource, reportCoresForThreads } from './wasmThreadsFix';
import { totalIterations } from '../engine/budget';
import { train, type TrainerOptions } from '../engine/trainer';
import { learnedRun } from '../engine/learnedRun';
import { holdoutSize } from '../data/holdout';
import { optimizerInfo } from '../optim/catalog';
import { resolveController } from './learnedController';
import type { RunState } from '../engine/types';
import { RunControl } from './control';
import { crashMessage, trainingErrorMessage, watchDeviceLoss, type CrashMode, type DeviceLostInfo } from './faults';
import type { FromWorker, ToWorker } from './protocol';

const FINISHED: ReadonlySet<RunState> = new Set(['done', 'diverged', 'stopped', 'error']);

const postRaw = (m: FromWorker) => (self as unknown as Worker).postMessage(m);
let control: RunControl | null = null;
let runId = '';
let iteration = 0;
let total = 0;
/** Once a finished state is sent, nothing more is (a fault and the loop's own end can race). */
let ended = false;
/** Test hooks (`__crash`) accepted: the page started this worker with `faults: true`. */
let faultsAllowed = false;
/** Set when the WebGPU device is lost: the run's end message, whatever the loop reports after it. */
let lostMessage: string | null = null;
/** A fake device loss for the test hook: resolving it looks to the watcher like device.lost resolving. */
let simulateLoss: ((info: DeviceLostInfo) => void) | null = null;

/** Set once the backend is chosen: before that, tf.memory() would initialise a backend of its own choice. */
let backendReady = false;

function tensors(): number | undefined {
  if (!backendReady) return undefined;
  try {
    return tf.memory().numTensors;
  } catch {
    return undefined;
  }
}

function status(state: RunState, it: number, tot: number, message?: string): void {
  if (ended) return;
  if (FINISHED.has(state)) ended = true;
  postRaw({ type: 'status', runId, state, iteration: it, total: tot, ...(message !== undefined ? { message } : {}), tensors: tensors() });
}

/** Ends the run in state 'error' (the page then terminates the worker). */
function fail(message: string): void {
  control?.stop();
  status('error', iteration, total, message);
}

self.onmessage = (ev: MessageEvent<ToWorker>) => {
  const msg = ev.data;
  switch (msg.type) {
    case 'start':
      faultsAllowed = msg.faults === true;
      if (!control) void start(msg);
      break;
    case 'pause':
      control?.pause();
      break;
    case 'resume':
      control?.resume();
      break;
    case 'stop':
      control?.stop();
      break;
    case 'edit':
      control?.edit(msg.changes);
      break;
    case '__crash':
      if (faultsAllowed) crash(msg.mode);
      break;
  }
};

// A Content-Security-Policy sent as a header reaches this worker (a <meta> policy does not): without
// worker-src blob: and script-src blob: it blocks the threaded build's pthread workers, and the backend
// would wait for them forever. Say so and end the run instead.
self.addEventListener('securitypolicyviolation', (ev: SecurityPolicyViolationEvent) => {
  fail(`the page's Content-Security-Policy blocked ${ev.effectiveDirective} ${ev.blockedURI || '(inline)'}: wasm threads need worker-src blob: and script-src blob: (or serve the page without cross-origin isolation)`);
});

// A rejection nobody handled would otherwise leave the run hanging in 'training'.
self.addEventListener('unhandledrejection', (ev: PromiseRejectionEvent) => {
  ev.preventDefault();
  fail(crashMessage(ev.reason));
});

/** Test hook: fail deterministically, as a real fault would. */
function crash(mode: CrashMode): void {
  switch (mode) {
    case 'throw':
      // Uncaught, outside any handler: the page's worker.onerror sees it.
      setTimeout(() => {
        throw new Error('test crash (?faults=1)');
      }, 0);
      break;
    case 'oom':
      setTimeout(() => {
        throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded (test crash, ?faults=1)');
      }, 0);
      break;
    case 'reject':
      void Promise.reject(new Error('test rejection (?faults=1)'));
      break;
    case 'device-lost':
      if (simulateLoss) simulateLoss({ reason: 'unknown', message: 'simulated by the test hook (?faults=1)' });
      else fail('GPU device lost: unknown (simulated by the test hook, ?faults=1)');
      break;
  }
}

/** The learned schedule's group: the controller is resolved (and the validation images held out) first. */
function isLearned(optimizer: string): boolean {
  try {
    return optimizerInfo(optimizer).group === 'learned';
  } catch {
    return false; // an unknown name: the trainer says so
  }
}

async function start({ run, backend, data: allData, threads, controllerText, pageUrl }: Extract<ToWorker, { type: 'start' }>) {
  runId = run.runId;
  // Adam + learned schedule trains on the training set less its held-out validation images
  // (src/engine/learnedRun.ts), so its budget counts without them.
  const learned = isLearned(run.config.optimizer);
  let data = allData;
  const nAll = allData.trainLabels.length;
  total = totalIterations(run.config, learned ? nAll - holdoutSize(nAll) : nAll);
  iteration = 0;
  control = new RunControl((paused) => status(paused ? 'paused' : 'training', iteration, total));
  let unwatch = () => {};
  let trainerOpts: TrainerOptions = {};
  try {
    status('loading', 0, total);
    if (learned) {
      // Its controller first: a missing or bad one ends the run before any backend starts.
      const ctrl = await resolveController({ config: run.config, controllerText, baseUrl: import.meta.env.BASE_URL, pageUrl });
      const { data: trainData, lrControl } = learnedRun(allData, ctrl, run.config.seed);
      data = trainData;
      trainerOpts = { lrControl };
    }
    // The threaded build: its pthread workers need the factory's unminified source, and its thread cap
    // needs the core count that gives this run its threads (src/worker/wasmThreadsFix.ts).
    if ((threads ?? 1) > 1) {
      patchThreadedFactorySource();
      reportCoresForThreads(threads ?? 1);
    }
    const name = await chooseBackend(backend, {
      wasmPaths: {
        'tfjs-backend-wasm.wasm': wasmPlain,
        'tfjs-backend-wasm-simd.wasm': wasmSimd,
        'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
      },
      // Decided by the page (src/sched/threads.ts); the threaded build needs cross-origin isolation.
      wasmThreads: threads ?? 1,
    });
    backendReady = true;
    const used = name === 'wasm' ? wasmThreadsInUse() : undefined;
    postRaw({ type: 'backend', runId, backend: name, ...(used !== undefined ? { threads: used, ownKernels: ownKernelsStatus() } : {}) });
    const onLost = (message: string) => {
      lostMessage = message;
      fail(message);
    };
    // WebGPU: the backend holds the device; its `lost` promise resolves when the GPU goes away.
    const device = name === 'webgpu' ? (tf.backend() as unknown as { device?: { lost?: Promise<DeviceLostInfo> } }).device : undefined;
    const stopReal = watchDeviceLoss(device, onLost);
    const stopFake = watchDeviceLoss({ lost: new Promise<DeviceLostInfo>((r) => (simulateLoss = r)) }, onLost);
    unwatch = () => {
      stopReal();
      stopFake();
    };
    await train(run, data, {
      metrics: (batch) => {
        if (!ended) postRaw({ type: 'metrics', batch });
      },
      status: (state, it, tot, message) => {
        iteration = it;
        status(state, it, tot, message);
      },
    }, control, trainerOpts);
  } catch (e) {
    status('error', iteration, total, lostMessage ?? trainingErrorMessage(e));
  } finally {
    unwatch();
  }
}
