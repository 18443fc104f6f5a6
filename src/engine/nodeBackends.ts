// Node entry points (CLI, tests) use wasm or cpu. In Node the wasm backend finds its binaries inside
// its own npm package, so no paths are set (setWasmPaths would make it fetch(), which cannot read files).
import '@tensorflow/tfjs-backend-wasm';
import { chooseBackend } from './backend';
import type { BackendName } from './types';

export function useNodeBackend(name: Extract<BackendName, 'wasm' | 'cpu'>): Promise<BackendName> {
  return chooseBackend(name);
}
