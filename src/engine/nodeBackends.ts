// Node entry points (CLI, tests) use wasm, cpu or webgpu. In Node the wasm backend finds its binaries
// inside its own npm package, so no paths are set (setWasmPaths would make it fetch(), which cannot read
// files). webgpu goes through the npm package `webgpu` (Dawn), loaded only when asked for.
import '@tensorflow/tfjs-backend-wasm';
import { chooseBackend } from './backend';
import type { NodeBackendName } from './nodeBackendNames';
import type { BackendName } from './types';

export async function useNodeBackend(name: NodeBackendName): Promise<BackendName> {
  if (name === 'webgpu') return (await import('./nodeWebgpu')).useNodeWebgpu();
  return chooseBackend(name);
}

/** The WebGPU adapter in use, in words (after useNodeBackend('webgpu')). */
export async function describeNodeWebgpu(): Promise<string> {
  return (await import('./nodeWebgpu')).webgpuAdapterDescription();
}
