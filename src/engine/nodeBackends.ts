// Node entry points (CLI, tests) use wasm, cpu or webgpu. In Node the wasm backend finds its binaries
// inside its own npm package, so no paths are set (setWasmPaths would make it fetch(), which cannot read
// files). webgpu goes through the npm package `webgpu` (Dawn), loaded only when asked for. wasm with
// threads > 1 starts tfjs's threaded build on worker_threads (src/engine/nodeWasmThreads.ts).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { chooseBackend } from './backend';
import type { NodeBackendName } from './nodeBackendNames';
import type { BackendName } from './types';

/** `threads`: wasm threads (1, the default: the single-threaded SIMD build); fixed once wasm initialises. */
export async function useNodeBackend(name: NodeBackendName, { threads = 1 }: { threads?: number } = {}): Promise<BackendName> {
  if (name === 'webgpu') return (await import('./nodeWebgpu')).useNodeWebgpu();
  if (name !== 'wasm' || threads <= 1) return chooseBackend(name);
  // tfjs says no threads in Node; the threaded build runs on worker_threads once its scripts are files.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  const { withNodeWasmThreads } = await import('./nodeWasmThreads');
  return withNodeWasmThreads(threads, () => chooseBackend('wasm', { wasmThreads: threads }));
}

/** The WebGPU adapter in use, in words (after useNodeBackend('webgpu')). */
export async function describeNodeWebgpu(): Promise<string> {
  return (await import('./nodeWebgpu')).webgpuAdapterDescription();
}
