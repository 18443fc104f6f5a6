// Backend choice: the requested one, or the first that initialises in the order webgpu → webgl → wasm → cpu.
// @tensorflow/tfjs registers cpu and webgl; other backends register themselves on import; each entry point (worker, CLI) imports the ones it can use and
// passes wasm file locations (Vite ?url imports in the browser, the package's dist folder in Node).
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { BACKEND_ORDER, type BackendName } from './types';

export interface BackendOptions {
  /** Where the wasm binaries are: a folder prefix, or one URL per file name. */
  wasmPaths?: string | Record<string, string>;
}

let wasmConfigured = false;

export async function chooseBackend(requested: BackendName | 'auto', opts: BackendOptions = {}): Promise<BackendName> {
  if (opts.wasmPaths && !wasmConfigured) {
    // Threads need cross-origin isolation (SharedArrayBuffer); the page is not isolated, so single-threaded.
    setWasmPaths(opts.wasmPaths as never, true);
    wasmConfigured = true;
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
        return name;
      }
      failures.push(`${name}: failed to initialise`);
    } catch (e) {
      failures.push(`${name}: ${(e as Error).message}`);
    }
  }
  throw new Error(`No usable tfjs backend (${failures.join('; ')})`);
}
