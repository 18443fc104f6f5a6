// The JSON file written next to "Export CSV": where and how the runs of the CSV were produced (app
// version, backends, device, browser, time) and every run's configuration and state, so a CSV found
// later can be traced back. Pure: the page gathers the environment (src/ui/deviceInfo.ts).
import type { BackendName, TrainConfig } from '../engine/types';
import type { TableRow } from '../series/runsTable';

export const SIDECAR_FORMAT = 'hypergradient-playground/export-sidecar';
export const SIDECAR_VERSION = 1;

export interface DeviceInfo {
  /** navigator.hardwareConcurrency (logical cores), null when unknown. */
  hardwareConcurrency: number | null;
  /** WebGL's (unmasked where allowed) vendor and renderer strings, null without WebGL. */
  webglVendor: string | null;
  webglRenderer: string | null;
  /** WebGPU adapter info (vendor, architecture, device, description), null without WebGPU. */
  gpuAdapter: Record<string, string> | null;
}

export interface SidecarRun {
  runId: string;
  label: string;
  batch: number;
  state: string;
  backend: BackendName | null;
  /** wasm runs: the threads the run computed with (1: the single-threaded build; src/sched/threads.ts). */
  threads?: number;
  /** wasm runs: whether the page was cross-origin isolated (threads need it). */
  crossOriginIsolated?: boolean;
  /** wasm runs: the project's own wasm kernels ('on', or 'off: why'); they change float32 summation order slightly. */
  ownKernels?: string;
  iteration: number;
  total: number;
  divergedAt?: number;
  message?: string;
  /** Points in the CSV: training iterations and evaluations. */
  trainPoints: number;
  evaluations: number;
  /**
   * Second-order runs: gradient evaluations after the last training point (the CSV's last `grad_evals`;
   * a Hessian-vector product and each L-BFGS closure call count as one). Absent for first-order runs,
   * whose gradient evaluations are their iterations.
   */
  gradEvals?: number;
  /** ESGD-M: preconditioner snapshots in the CSV (`precond_q10/q50/q90:LAYER` rows at that many iterations). */
  curvatureRecords?: number;
  /** Adam + learned schedule: controller decisions in the CSV (`ctrl:*` rows at that many iterations). */
  controllerRecords?: number;
  /** When and on which test images the run evaluated (src/engine/budget.ts describeEvalPlan). */
  validation: string;
  config: TrainConfig;
}

/** The runs table as the page showed it at export (src/series/runsTable.ts): numbers, not display text. */
export interface SidecarTable {
  /** What the rows are and how Δ and seed groups are computed. */
  note: string;
  smoothing: number;
  lossThreshold: number | null;
  rows: TableRow[];
}

export interface SidecarInput {
  appVersion: string;
  exportedAt: Date;
  csvFile: string;
  userAgent: string;
  requestedBackend: string;
  device: DeviceInfo;
  runs: readonly SidecarRun[];
  runsTable: SidecarTable;
}

export interface Sidecar {
  format: typeof SIDECAR_FORMAT;
  formatVersion: typeof SIDECAR_VERSION;
  app: { name: 'hypergradient-playground'; version: string };
  exportedAt: string;
  csvFile: string;
  userAgent: string;
  /** What the URL asked for (`auto` or a name) and what the runs actually ran on (distinct, in run order). */
  backends: { requested: string; used: BackendName[] };
  device: DeviceInfo;
  runs: SidecarRun[];
  runsTable: SidecarTable;
}

export function buildSidecar(input: SidecarInput): Sidecar {
  const used: BackendName[] = [];
  for (const r of input.runs) if (r.backend !== null && !used.includes(r.backend)) used.push(r.backend);
  return {
    format: SIDECAR_FORMAT,
    formatVersion: SIDECAR_VERSION,
    app: { name: 'hypergradient-playground', version: input.appVersion },
    exportedAt: input.exportedAt.toISOString(),
    csvFile: input.csvFile,
    userAgent: input.userAgent,
    backends: { requested: input.requestedBackend, used },
    device: input.device,
    runs: input.runs.map((r) => ({ ...r })),
    runsTable: input.runsTable,
  };
}

/** Two-space indented JSON with a trailing newline. */
export function sidecarJson(input: SidecarInput): string {
  return JSON.stringify(buildSidecar(input), null, 2) + '\n';
}

/** The sidecar's file name: the CSV's with `.json` (`runs.csv` → `runs.json`). */
export function sidecarFilename(csvFile: string): string {
  return csvFile.replace(/\.csv$/i, '') + '.json';
}
