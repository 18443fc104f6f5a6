// One training run per worker: choose the backend, run the engine, stream its batches to the page.
import '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { chooseBackend } from '../engine/backend';
import { totalIterations } from '../engine/budget';
import { train } from '../engine/trainer';
import { RunControl } from './control';
import type { FromWorker, ToWorker } from './protocol';

const post = (m: FromWorker) => (self as unknown as Worker).postMessage(m);
let control: RunControl | null = null;

self.onmessage = (ev: MessageEvent<ToWorker>) => {
  const msg = ev.data;
  switch (msg.type) {
    case 'start':
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
  }
};

async function start({ run, backend, data }: Extract<ToWorker, { type: 'start' }>) {
  const total = totalIterations(run.config, data.trainLabels.length);
  let iteration = 0;
  control = new RunControl((paused) => post({ type: 'status', runId: run.runId, state: paused ? 'paused' : 'training', iteration, total }));
  try {
    post({ type: 'status', runId: run.runId, state: 'loading', iteration: 0, total });
    const name = await chooseBackend(backend, {
      wasmPaths: {
        'tfjs-backend-wasm.wasm': wasmPlain,
        'tfjs-backend-wasm-simd.wasm': wasmSimd,
        'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
      },
    });
    post({ type: 'backend', runId: run.runId, backend: name });
    await train(run, data, {
      metrics: (batch) => post({ type: 'metrics', batch }),
      status: (state, it, tot, message) => {
        iteration = it;
        post({ type: 'status', runId: run.runId, state, iteration: it, total: tot, message });
      },
    }, control);
  } catch (e) {
    post({ type: 'status', runId: run.runId, state: 'error', iteration, total, message: (e as Error).message });
  }
}
