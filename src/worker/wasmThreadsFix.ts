// Makes tfjs-backend-wasm's threaded build work in the page's worker, with the thread count asked for.
//
// 1. The minified bundle. Its pthread workers (blob: workers
// the wasm module spawns itself) rebuild the module from source text: tfjs 4.22 posts them
// `var WasmBackendModuleThreadedSimd = ` + factory.toString() as a Blob (backend_wasm.ts, init()), and
// the workers importScripts() it. toString() gives only the inner function, and the original guards the
// outer IIFE's variable with `typeof _scriptDir !== "undefined"`; the build's minifier, which sees that
// variable declared, drops the guard and renames it, so every pthread worker dies with "ReferenceError:
// e is not defined" (the run fails: "worker crashed"). The fix gives the factory an own toString that
// returns the package's original, unminified IIFE (imported as text), which defines the variable itself.
//
// 2. The thread cap. tfjs 4.22's backend.cc caps XNNPACK's pool at min(count, 8, num_cores) with
// num_cores = emscripten_num_logical_cores() / 2 = navigator.hardwareConcurrency / 2 ("many x86-64
// processors have 2 threads per core"), read when the module starts: on a machine reporting 2 logical
// cores every count becomes 1, and setThreadsCount(n) alone never gives more than half the cores. The
// page has already decided how many threads this run gets (src/sched/threads.ts), so the worker reports
// 2n cores to the module for n threads (its own navigator only; the page's is untouched).
import * as threadedImport from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';
import threadedRaw from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js?raw';

const DECLARATION = 'var WasmBackendModuleThreadedSimd = ';
const IIFE_END = '\n})()';

/**
 * From the package's wasm-out/tfjs-backend-wasm-threaded-simd.js, the expression its first statement
 * assigns: `(() => { var _scriptDir = …; return (function(WasmBackendModuleThreadedSimd) {…}); })()`.
 */
export function threadedFactorySource(raw: string): string {
  const start = raw.indexOf(DECLARATION);
  const end = start < 0 ? -1 : raw.indexOf(IIFE_END, start);
  if (start < 0 || end < 0) throw new Error('tfjs-backend-wasm threaded factory: unexpected layout of wasm-out/tfjs-backend-wasm-threaded-simd.js');
  return raw.slice(start + DECLARATION.length, end + IIFE_END.length);
}

let patched = false;

/** Call before the wasm backend initialises (idempotent). */
export function patchThreadedFactorySource(): void {
  if (patched) return;
  // The same object tfjs reaches through its own `import * as … ; (m.default || m)`.
  const m = threadedImport as unknown as { default?: unknown };
  const factory = (m.default || m) as { toString: () => string };
  const source = threadedFactorySource(threadedRaw);
  Object.defineProperty(factory, 'toString', { value: () => source, configurable: true });
  patched = true;
}

/**
 * Lets the wasm module start `threads` threads: this worker's navigator.hardwareConcurrency reads 2 ×
 * threads from now on (tfjs halves it; see 2. above). Call before the wasm backend initialises.
 */
export function reportCoresForThreads(threads: number): void {
  const nav = (globalThis as { navigator?: object }).navigator;
  if (!nav) return;
  Object.defineProperty(nav, 'hardwareConcurrency', { value: 2 * Math.max(1, Math.floor(threads)), configurable: true });
}
