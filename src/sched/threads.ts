// How many wasm threads one training run gets: all the cores for one run, one each when the runs share
// them. No DOM, no tfjs (two readers of the page's globals, pageIsolated and deviceCores): the page decides on the main thread when a run's worker starts
// (src/store/runner.ts) and passes the number in the worker's start message (src/worker/protocol.ts).
//
// Threads need SharedArrayBuffer, which a browser gives only to a cross-origin-isolated page (served with
// Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp). A worker's
// wasm module fixes its thread count when it initialises: a run keeps the threads it started with even
// when more runs start later (they get what is left: at least one thread each).

export interface ThreadsInput {
  /** `crossOriginIsolated` of the page: SharedArrayBuffer, hence wasm threads, are available. */
  isolated: boolean;
  /** navigator.hardwareConcurrency (logical cores); undefined or nonsense counts as one core. */
  cores: number | undefined;
  /** Runs that will train at the same time, this one included (≥ 1). */
  runsAtOnce: number;
}

/** This page's `crossOriginIsolated` (false outside a browser): SharedArrayBuffer, so wasm threads, are available. */
export function pageIsolated(): boolean {
  return typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated === true;
}

/** navigator.hardwareConcurrency, undefined outside a browser. */
export function deviceCores(): number | undefined {
  return typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : undefined;
}

/** Threads per run = max(1, ⌊cores / runs training at once⌋) when isolated, else 1. */
export function threadsPerRun({ isolated, cores, runsAtOnce }: ThreadsInput): number {
  if (!isolated) return 1;
  const c = typeof cores === 'number' && Number.isFinite(cores) && cores >= 1 ? Math.floor(cores) : 1;
  const runs = Number.isFinite(runsAtOnce) && runsAtOnce >= 1 ? Math.floor(runsAtOnce) : 1;
  return Math.max(1, Math.floor(c / runs));
}

/** Runs of one scheduler that train at once once this one starts: running plus queued, at most its limit. */
export function runsTrainingAtOnce(running: number, queued: number, concurrency: number): number {
  return Math.max(1, Math.min(concurrency, running + queued));
}

/** "1 thread", "2 threads". */
export function threadCount(threads: number): string {
  return `${threads} thread${threads === 1 ? '' : 's'}`;
}

/**
 * The thread count in words for a run's status line: "2 threads"; a single thread says why when the
 * reason is that the page is not cross-origin isolated ("1 thread: the page is not cross-origin
 * isolated"), otherwise that the cores are shared or that there is one.
 */
export function threadsExplained(threads: number, isolated: boolean | undefined): string {
  if (threads > 1) return threadCount(threads);
  if (isolated === false) return `${threadCount(threads)}: the page is not cross-origin isolated`;
  return threadCount(threads);
}

/** The backend as a table cell shows it: "wasm, 2 threads"; other backends (or no count) as their name. */
export function backendWithThreads(backend: string | null, threads: number | undefined): string | null {
  if (backend === null) return null;
  if (backend !== 'wasm' || threads === undefined) return backend;
  return `${backend}, ${threadCount(threads)}`;
}

/** The page-wide line next to the backend choice: how many wasm threads a run can get here, and why. */
export function threadsPolicyText(isolated: boolean, cores: number | undefined): string {
  const c = threadsPerRun({ isolated: true, cores, runsAtOnce: 1 });
  if (!isolated) return 'wasm threads: 1 per run (the page is not cross-origin isolated, so no SharedArrayBuffer)';
  if (c === 1) return 'wasm threads: 1 per run (cross-origin isolated, but this device reports one core)';
  return `wasm threads: up to ${c} per run (cross-origin isolated; the ${c} cores are shared by the runs training at once)`;
}
