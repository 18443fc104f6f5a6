// Threaded wasm in Node (the CLI's --threads N): tfjs-backend-wasm 4.22 turns threads off in Node
// (WASM_HAS_MULTITHREAD_SUPPORT is false there, tfjs issue #3830), although its threaded build's
// emscripten glue runs pthreads on worker_threads. What fails is how tfjs hands the glue its scripts:
// as Blobs and blob: URLs, which Node's Worker cannot start ("must be an absolute path"). So, for the
// backend's initialisation only, Blob and URL.createObjectURL are replaced: the pthread worker script
// (the package's own text) and the module factory it loads are written to a temporary folder, and
// the worker is pointed at those files. And as in the page (src/worker/wasmThreadsFix.ts), tfjs caps
// XNNPACK's pool at half the logical cores the module reads when it starts (os.cpus() in Node), so for
// n threads os.cpus() reports 2n cores during that start. Everything else is tfjs's own code.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os, { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The worker's line that loads the factory from the Blob it is sent (tfjs-backend-wasm 4.22's build). */
const LOAD_FACTORY =
  'if(typeof e.data.urlOrBlob=="string"){importScripts(e.data.urlOrBlob)}else{var objectUrl=URL.createObjectURL(e.data.urlOrBlob);importScripts(objectUrl);URL.revokeObjectURL(objectUrl)}';

/** The worker script's path, once written (one folder per process). */
let workerPath: string | null = null;

/** Writes the worker and factory scripts once per process; returns the worker's path. */
function prepareScripts(): string {
  if (workerPath !== null) return workerPath;
  const require = createRequire(import.meta.url);
  const wasmOut = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out');
  const { wasmWorkerContents } = require(join(wasmOut, 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string };
  if (!wasmWorkerContents.includes(LOAD_FACTORY)) {
    throw new Error('threads in Node: this tfjs-backend-wasm build loads its pthread workers differently than 4.22 (see src/engine/nodeWasmThreads.ts)');
  }
  const folder = mkdtempSync(join(tmpdir(), 'hgp-wasm-threads-'));
  process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
  const factory = join(folder, 'factory.js');
  writeFileSync(factory, readFileSync(join(wasmOut, 'tfjs-backend-wasm-threaded-simd.js')));
  const worker = join(folder, 'worker.js');
  // As tfjs does for its Blob: the text's line breaks stand inside string literals ("\n" in the source).
  writeFileSync(worker, wasmWorkerContents.replace(/\n/g, '\\n').replace(LOAD_FACTORY, `importScripts(${JSON.stringify(factory)});`));
  workerPath = worker;
  return worker;
}

/**
 * Runs `init` (which initialises the threaded wasm backend for `threads` threads) with Blob,
 * URL.createObjectURL and os.cpus standing in as described above, and restores them afterwards.
 */
export async function withNodeWasmThreads<T>(threads: number, init: () => Promise<T>): Promise<T> {
  const worker = prepareScripts();
  const realBlob = globalThis.Blob;
  const realCreate = URL.createObjectURL;
  const realCpus = os.cpus;
  const cpus = realCpus();
  // A Blob without content: tfjs builds two (the worker script and the factory for the workers to load); both
  // are answered by the files above, and a plain object survives postMessage to a worker thread.
  class ScriptBlob {
    constructor(readonly parts: unknown[] = []) {}
  }
  globalThis.Blob = ScriptBlob as unknown as typeof Blob;
  URL.createObjectURL = () => worker;
  os.cpus = () => Array.from({ length: 2 * threads }, (_, i) => cpus[i % cpus.length]);
  try {
    return await init();
  } finally {
    globalThis.Blob = realBlob;
    URL.createObjectURL = realCreate;
    os.cpus = realCpus;
  }
}
