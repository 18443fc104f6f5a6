// How a training worker's faults are named (pure: no DOM, no tfjs). A fault ends only its own run, in
// state 'error' with one of these messages; the run's points so far stay in the charts, the export and
// storage, and the scheduler starts the next queued run.
//
//   worker crashed: …   an uncaught error in the worker (the page's worker.onerror), an unhandled
//                       rejection inside it, or a message that could not be read (onmessageerror)
//   out of memory: …    the same, when the error is an allocation failure (wasm memory growth,
//                       RangeError: Array buffer allocation failed, WebGL/WebGPU out-of-memory…)
//   GPU device lost: …  the WebGPU device's `lost` promise resolved (driver reset, GPU process crash…)

/**
 * Allocation failures, as the browsers and tfjs word them. tfjs-wasm does not check its heap's malloc: a
 * tensor past the 4 GB wasm heap (ResNet-18 at width 1, batch 128 needs about 4.6 GB) surfaces as
 * "RuntimeError: memory access out of bounds".
 */
const OOM = /out of memory|memory access out of bounds|\boom\b|memory\.grow|WebAssembly\.Memory|Array buffer allocation failed|allocation failed|Maximum memory size|could not allocate|failed to allocate|Invalid typed array length|Invalid array buffer length/i;

/** The text of an error, event message or reason, without the "Uncaught " that error events prefix. */
export function errorText(err: unknown): string {
  let text: string;
  if (typeof err === 'string') text = err;
  else if (err instanceof Error) text = err.name && err.name !== 'Error' && !err.message.startsWith(err.name) ? `${err.name}: ${err.message}` : err.message;
  else if (err && typeof err === 'object' && 'message' in err) text = String((err as { message: unknown }).message);
  else text = String(err);
  return text.replace(/^Uncaught\s+(\(in promise\)\s+)?/, '').trim() || 'unknown error';
}

/** Is this error an allocation failure? */
export function isOutOfMemory(err: unknown): boolean {
  return OOM.test(errorText(err));
}

/** The message of a worker that crashed (uncaught error, unhandled rejection, unreadable message). */
export function crashMessage(err: unknown): string {
  const text = errorText(err);
  return isOutOfMemory(text) ? outOfMemory(text) : `worker crashed: ${text}`;
}

/** "out of memory: TEXT", or TEXT alone when it already says so first. */
function outOfMemory(text: string): string {
  return /^out of memory\b/i.test(text) ? text : `out of memory: ${text}`;
}

/**
 * The message of an error the training code threw and the worker caught: allocation failures are named
 * as such; anything else (a model that does not fit the data…) keeps its own words.
 */
export function trainingErrorMessage(err: unknown): string {
  const text = errorText(err);
  return isOutOfMemory(text) ? outOfMemory(text) : text;
}

/** What WebGPU's `GPUDevice.lost` resolves with (GPUDeviceLostInfo), loosely typed. */
export interface DeviceLostInfo {
  reason?: string;
  message?: string;
}

export function deviceLostMessage(info: DeviceLostInfo | undefined): string {
  const reason = info?.reason || 'unknown';
  const detail = info?.message?.trim();
  return `GPU device lost: ${reason}${detail ? ` (${detail})` : ''}`;
}

/**
 * Calls `onLost` with the message once the device's `lost` promise resolves (a device without one,
 * e.g. on the WebGL, WASM or CPU backend, is not watched). Returns a function that stops watching —
 * call it when the run ends normally, so a later, deliberate destroy() is not reported.
 */
export function watchDeviceLoss(device: { lost?: Promise<DeviceLostInfo> } | null | undefined, onLost: (message: string) => void): () => void {
  let active = true;
  const lost = device?.lost;
  if (lost && typeof lost.then === 'function') {
    lost.then(
      (info) => {
        if (active) onLost(deviceLostMessage(info));
      },
      () => undefined,
    );
  }
  return () => {
    active = false;
  };
}

/**
 * The test-only fault hooks: on when the page's address has `faults=1` (e.g. `/?backend=wasm&faults=1`).
 * Then the page exposes `window.__hgFaults.crash(label, mode)` and its workers accept `__crash` messages;
 * without the flag the workers ignore them.
 */
export function faultHooksEnabled(search: string): boolean {
  return new URLSearchParams(search).get('faults') === '1';
}

/**
 * Debug reporting: on with `debug=1` (or `faults=1`): the page exposes `window.__hgDebug.workerTensors()`,
 * the latest live tensor count each training worker reported (bench/soak.ts reads it).
 */
export function debugEnabled(search: string): boolean {
  const p = new URLSearchParams(search);
  return p.get('debug') === '1' || p.get('faults') === '1';
}

/** What a `__crash` message makes the worker do. */
export type CrashMode = 'throw' | 'oom' | 'reject' | 'device-lost';
export const CRASH_MODES: readonly CrashMode[] = ['throw', 'oom', 'reject', 'device-lost'];
