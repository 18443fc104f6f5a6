// Backend choice: the requested one, or the first that initialises in the order webgpu → webgl → wasm → cpu.
// @tensorflow/tfjs registers cpu and webgl; other backends register themselves on import; each entry point (worker, CLI) imports the ones it can use and
// passes wasm file locations (Vite ?url imports in the browser, the package's dist folder in Node).
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { installOwnKernels } from '../kernels/ownKernels';
import { BACKEND_ORDER, type BackendName } from './types';

export interface BackendOptions {
  /** Where the wasm binaries are: a folder prefix, or one URL per file name. */
  wasmPaths?: string | Record<string, string>;
  /**
   * wasm threads (XNNPACK's thread pool). Above 1, and only where the page is cross-origin isolated
   * (SharedArrayBuffer), the threaded SIMD build runs with this many threads (the pool's workers are
   * spawned by the wasm module itself from blob: URLs); 1 or absent: the single-threaded SIMD build.
   * Fixed once the backend initialises (the first call that configures it wins).
   */
  wasmThreads?: number;
}

let wasmConfigured = false;
let threadsConfigured = false;

export async function chooseBackend(requested: BackendName | 'auto', opts: BackendOptions = {}): Promise<BackendName> {
  if (opts.wasmPaths && !wasmConfigured) {
    setWasmPaths(opts.wasmPaths as never, true);
    wasmConfigured = true;
  }
  if (!threadsConfigured) {
    // Before the wasm backend initialises: it picks its build (threaded or not) and thread count then.
    const n = opts.wasmThreads ?? 1;
    if (n > 1) setThreadsCount(Math.floor(n));
    // One thread: the single-threaded SIMD build, even where threads are available (no idle pool).
    else tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    threadsConfigured = true;
  }
  const candidates = requested === 'auto' ? BACKEND_ORDER : [requested];
  const failures: string[] = [];
  for (const name of candidates) {
    if (!tf.findBackendFactory(name)) {
      failures.push(`${name}: not available here`);
      continue;
    }
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        // The project's own wasm kernels (fused Adam, conv filter gradient) on the wasm heap.
        if (name === 'wasm') installOwnKernels();
        return name;
      }
      failures.push(`${name}: failed to initialise`);
    } catch (e) {
      failures.push(`${name}: ${(e as Error).message}`);
    }
  }
  throw new Error(`No usable tfjs backend (${failures.join('; ')})`);
}

/** Threads the initialised wasm backend computes with (1 for the single-threaded build); undefined before. */
export function wasmThreadsInUse(): number | undefined {
  try {
    return Math.max(1, getThreadsCount());
  } catch {
    return undefined;
  }
}
