// The pure parts of `npm run bench:suite` (bench/suite.ts): the workloads, the command line, the statistics,
// the table and bench/RESULTS.md. No tfjs and no child processes here, so the unit test
// (test/unit/benchSuite.test.ts) and --help load nothing heavy.
import type { Command, Parsed } from '../src/cli/args';
import type { ModelName } from '../src/engine/types';

export interface Workload {
  /** Short name for --only and the table. */
  name: string;
  label: string;
  model: ModelName;
  shape: readonly [number, number, number];
  /** VGG-16-BN width multiplier (1 for the others). */
  width: number;
  batch: number;
  /** Timed steps per round in a full run (after the warm-up). */
  steps: number;
  /** Part of --quick (the small ones). */
  quick: boolean;
  /** Per-channel normalisation of the synthetic uint8 images (MNIST's or CIFAR-10's constants). */
  mean: readonly number[];
  std: readonly number[];
  /** Measured before this suite (ms per step, project wasm 1 thread vs PyTorch 1.13 OpenBLAS 1 thread). */
  previous?: { project: number; torch: number };
}

const MNIST = { shape: [28, 28, 1] as const, mean: [0.1307], std: [0.3081] };
const CIFAR = { shape: [32, 32, 3] as const, mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] };

/** Every workload, in the order they run and print. Steps sized so a round of each takes about a second or two on wasm. */
export const WORKLOADS: readonly Workload[] = [
  { name: 'ffnn-b100', label: 'FFNN 784-100-10', model: 'ffnn100', ...MNIST, width: 1, batch: 100, steps: 600, quick: true, previous: { project: 2.4, torch: 0.29 } },
  { name: 'logreg-b128', label: 'LogReg 784-10', model: 'logreg', ...MNIST, width: 1, batch: 128, steps: 600, quick: false },
  { name: 'logreg-b32', label: 'LogReg 784-10', model: 'logreg', ...MNIST, width: 1, batch: 32, steps: 1000, quick: true },
  { name: 'mlp-b128', label: 'MLP 784-1000-1000-10', model: 'mlp', ...MNIST, width: 1, batch: 128, steps: 50, quick: false, previous: { project: 44, torch: 30 } },
  { name: 'lenet5-b128', label: 'LeNet-5 28×28', model: 'lenet5', ...MNIST, width: 1, batch: 128, steps: 80, quick: false, previous: { project: 25, torch: 9.2 } },
  { name: 'lenet5-b32', label: 'LeNet-5 28×28', model: 'lenet5', ...MNIST, width: 1, batch: 32, steps: 200, quick: false },
  { name: 'vgg8-b128', label: 'VGG-16-BN ×⅛ 32×32×3', model: 'vgg16bn', ...CIFAR, width: 0.125, batch: 128, steps: 12, quick: false, previous: { project: 216, torch: 59 } },
  { name: 'vgg8-b32', label: 'VGG-16-BN ×⅛ 32×32×3', model: 'vgg16bn', ...CIFAR, width: 0.125, batch: 32, steps: 40, quick: false },
];

/** Untimed steps before each measurement (both sides). */
export const WARMUP = 3;
export const QUICK = { rounds: 2, steps: 5, warmup: 2 };

export const BENCH_SUITE: Command = {
  name: 'bench:suite',
  summary:
    "A benchmark, not a test: the project's training step (engine trainer, Adam, lr 1e-3, cross-entropy, synthetic data\n" +
    'with a fixed seed) on tfjs wasm (one thread: tfjs-backend-wasm has no threads in Node), next to the same step in\n' +
    'PyTorch on the same CPU (torch.set_num_threads(1)) when a python with torch is found ($BENCH_PYTHON, /usr/bin/python3,\n' +
    'python3). Rounds interleave the two sides and the workloads; prints the median and min ms per step, the ratio\n' +
    'torch/project (higher = project faster) and tfjs tensors before/after each workload, and writes bench/RESULTS.md.\n' +
    'wasm only (webgl / webgpu in headless Chromium are not measured). A full run takes a few minutes; scripts/bench-setup.sh\n' +
    'installs python3-torch and OpenBLAS.',
  synopsis: '[options]',
  flags: {
    quick: { type: 'boolean', help: `smoke test: ${QUICK.rounds} rounds × ${QUICK.steps} steps of the small workloads only, writes no file` },
    rounds: { type: 'string', arg: 'N', default: '5', help: 'interleaved rounds (median and min over them)' },
    only: { type: 'string', arg: 'LIST', defaultText: 'all', help: `comma-separated workloads: ${WORKLOADS.map((w) => w.name).join(', ')}` },
    'no-torch': { type: 'boolean', help: 'the project side only (no python)' },
    threads: { type: 'string', arg: 'N', default: '1', help: "the project's wasm threads (tfjs's threaded build on worker_threads); PyTorch stays on one" },
    'no-baseline': { type: 'boolean', help: "skip the project's step with tfjs's kernels only (its own wasm kernels off)" },
    'torch-default-malloc': { type: 'boolean', help: "PyTorch with glibc malloc's default settings (see below)" },
    out: { type: 'string', arg: 'FILE', defaultText: 'bench/RESULTS.md for a full run, none with --quick or --only', help: 'where to write the results (markdown)' },
  },
  notes: [
    'The PyTorch side runs with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from its environment (some machines set\n' +
      'them, and they slow OpenBLAS down), OMP/OPENBLAS/MKL_NUM_THREADS=1, and MALLOC_MMAP_THRESHOLD_=32 MiB,\n' +
      'MALLOC_TRIM_THRESHOLD_=1 GiB, MALLOC_TOP_PAD_=256 MiB (unless --torch-default-malloc): with glibc\'s defaults PyTorch gives\n' +
      'its big activation buffers back to the kernel every step and faults them in again (VGG ×⅛ b128 ~1.5-2× slower); the\n' +
      "project's wasm heap only grows. The project side keeps the environment.",
  ],
  examples: ['npm run bench:suite', 'npm run bench:suite -- --quick --no-torch', 'npm run bench:suite -- --only mlp-b128,lenet5-b128 --rounds 3'],
};

export interface SuiteOptions {
  quick: boolean;
  rounds: number;
  /** Timed steps per round: the workload's own (null) or the quick count. */
  steps: number | null;
  warmup: number;
  workloads: Workload[];
  torch: boolean;
  /** The project's wasm threads. */
  threads: number;
  /** Also run the project with its own wasm kernels off (tfjs's kernels only), interleaved: the same-process baseline. */
  baseline: boolean;
  /** glibc malloc told to keep its memory on the PyTorch side (not --torch-default-malloc). */
  torchMalloc: boolean;
  /** Markdown output, or null for none. */
  out: string | null;
}

/** The options from a parsed command line; throws Error with the usage message for a bad value. */
export function suiteOptions(p: Parsed): SuiteOptions {
  const quick = p.values.quick === true;
  const roundsText = p.values.rounds as string;
  const rounds = quick && roundsText === BENCH_SUITE.flags.rounds.default ? QUICK.rounds : Number(roundsText);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds: "${roundsText}" is not a whole number ≥ 1`);
  const only = p.values.only as string | undefined;
  let workloads: Workload[];
  if (only !== undefined) {
    const names = only.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const unknown = names.filter((n) => !WORKLOADS.some((w) => w.name === n));
    if (names.length === 0 || unknown.length) {
      throw new Error(`--only: ${unknown.length ? `unknown ${unknown.join(', ')}` : 'none given'} (takes ${WORKLOADS.map((w) => w.name).join(', ')})`);
    }
    workloads = WORKLOADS.filter((w) => names.includes(w.name));
  } else {
    workloads = WORKLOADS.filter((w) => !quick || w.quick);
  }
  const threadsText = p.values.threads as string;
  const threads = Number(threadsText);
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`--threads: "${threadsText}" is not a whole number ≥ 1`);
  const outFlag = p.values.out as string | undefined;
  const out = outFlag ?? (quick || only !== undefined ? null : 'bench/RESULTS.md');
  return { quick, rounds, steps: quick ? QUICK.steps : null, warmup: quick ? QUICK.warmup : WARMUP, workloads, threads, torch: p.values['no-torch'] !== true, baseline: p.values['no-baseline'] !== true, torchMalloc: p.values['torch-default-malloc'] !== true, out };
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function min(xs: readonly number[]): number {
  return xs.length ? Math.min(...xs) : NaN;
}

/** PyTorch time / project time: above 1 the project is faster. NaN when a side is missing. */
export function ratio(torchMs: number, projectMs: number): number {
  return Number.isFinite(torchMs) && Number.isFinite(projectMs) && projectMs > 0 ? torchMs / projectMs : NaN;
}

/** One workload's measurements over the rounds. */
export interface WorkloadResult {
  workload: Workload;
  /** ms per step, one per round. */
  project: number[];
  /** The project with its own wasm kernels off (tfjs's kernels only), one per round; empty with --no-baseline. */
  baseline: number[];
  torch: number[];
  /** Why the torch side has no numbers, when it has none. */
  torchError?: string;
  tensorsBefore: number;
  tensorsAfter: number;
  /** Largest tensor-count change over one project run (0 = no leak). */
  maxLeak: number;
}

export interface Row {
  name: string;
  label: string;
  batch: number;
  projectMedian: number;
  projectMin: number;
  /** The project with tfjs's kernels only (median), and baseline / project. */
  baselineMedian: number;
  speedup: number;
  torchMedian: number;
  torchMin: number;
  /** torch / project, medians. */
  ratio: number;
  /** torch / tfjs-only: the ratio without the own kernels, measured in the same rounds. */
  baselineRatio: number;
  previous: { project: number; torch: number; ratio: number } | null;
  tensors: string;
}

export function toRow(r: WorkloadResult): Row {
  const w = r.workload;
  const pm = median(r.project);
  const tm = median(r.torch);
  const bm = median(r.baseline);
  return {
    name: w.name,
    label: w.label,
    batch: w.batch,
    projectMedian: pm,
    projectMin: min(r.project),
    baselineMedian: bm,
    speedup: ratio(bm, pm),
    torchMedian: tm,
    torchMin: min(r.torch),
    ratio: ratio(tm, pm),
    baselineRatio: ratio(tm, bm),
    previous: w.previous ? { ...w.previous, ratio: ratio(w.previous.torch, w.previous.project) } : null,
    tensors: `${r.tensorsBefore}→${r.tensorsAfter}${r.maxLeak !== 0 ? ` (LEAK ${r.maxLeak} per run)` : ''}`,
  };
}

/** ms with 3 significant digits (at least 2 decimals below 1). */
export function fmtMs(x: number): string {
  if (!Number.isFinite(x)) return '—';
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

export function fmtRatio(x: number): string {
  return Number.isFinite(x) ? (x >= 10 ? x.toFixed(1) : x.toFixed(2)) : '—';
}

export const COLUMNS = ['workload', 'model', 'batch', 'project ms median', 'project ms min', 'tfjs-only ms median', 'own-kernel speedup', 'torch ms median', 'torch ms min', 'torch/project', 'torch/tfjs-only', 'previous project', 'previous torch', 'previous torch/project', 'tensors before→after'];

function cells(r: Row): string[] {
  return [
    r.name,
    r.label,
    String(r.batch),
    fmtMs(r.projectMedian),
    fmtMs(r.projectMin),
    fmtMs(r.baselineMedian),
    fmtRatio(r.speedup),
    fmtMs(r.torchMedian),
    fmtMs(r.torchMin),
    fmtRatio(r.ratio),
    fmtRatio(r.baselineRatio),
    r.previous ? fmtMs(r.previous.project) : '',
    r.previous ? fmtMs(r.previous.torch) : '',
    r.previous ? fmtRatio(r.previous.ratio) : '',
    r.tensors,
  ];
}

/** The stdout table: aligned columns, numbers right-aligned. */
export function formatTable(rows: readonly Row[]): string {
  const all = [COLUMNS, ...rows.map(cells)];
  const widths = COLUMNS.map((_, k) => Math.max(...all.map((r) => [...r[k]].length)));
  const numeric = (k: number) => k >= 2 && k <= 13;
  const line = (r: string[]) => r.map((c, k) => (numeric(k) ? c.padStart(widths[k] + c.length - [...c].length) : c.padEnd(widths[k] + c.length - [...c].length))).join(' | ').trimEnd();
  return [line(COLUMNS), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map((r) => line(cells(r)))].join('\n');
}

/** The same table in markdown. */
export function markdownTable(rows: readonly Row[]): string {
  const align = COLUMNS.map((_, k) => (k >= 2 && k <= 13 ? '---:' : ':---'));
  return [`| ${COLUMNS.join(' | ')} |`, `| ${align.join(' | ')} |`, ...rows.map((r) => `| ${cells(r).join(' | ')} |`)].join('\n');
}

export interface RunInfo {
  date: string;
  cpu: string;
  cores: number;
  node: string;
  tfjs: string;
  backend: string;
  wasmSimd: boolean;
  /** Threads the wasm backend computes with. */
  threadCount: number;
  /** ownKernelsStatus() of the run. */
  ownKernels: string;
  rounds: number;
  warmup: number;
  steps: Record<string, number>;
  /** 1-minute load average at the start and the end (other work on the machine skews both sides). */
  load: [number, number];
  /** The PyTorch side's --info (suite-torch.py), or why there is none. */
  torch: TorchInfo | { missing: string };
  /** OPENBLAS_* variables removed from the PyTorch side's environment, with their values. */
  unsetForTorch: Record<string, string>;
  /** Variables set for the PyTorch side (thread counts, glibc malloc). */
  setForTorch: Record<string, string>;
}

export interface TorchInfo {
  torch: string;
  python: string;
  executable: string;
  /** Debian package versions (dpkg-query), where installed. */
  debian?: Record<string, string | null>;
  threads: number;
  mkldnn: boolean;
  blasInfo: string | null;
  /** sgemmFrom: the library torch's sgemm_ binds to (dladdr), when found. */
  blas: { kind: string; libraries: string[]; openblasConfig: string | null; openblasCore: string | null; sgemmFrom?: string | null; sgemm512GflopsPerS: number };
}

export function blasLine(t: TorchInfo): string {
  const b = t.blas;
  const cfg = b.openblasConfig ? `${b.openblasConfig}, core ${b.openblasCore}` : b.libraries.join(', ') || 'no BLAS library found in the process';
  return `${b.kind} (${cfg}${b.sgemmFrom ? `; sgemm_ from ${b.sgemmFrom}` : ''}); 512×512 sgemm ${b.sgemm512GflopsPerS} GFLOP/s on 1 thread`;
}

export function markdown(info: RunInfo, rows: readonly Row[]): string {
  const t = 'missing' in info.torch ? null : info.torch;
  const unset = Object.entries(info.unsetForTorch);
  return [
    '# bench:suite results',
    '',
    "Written by `npm run bench:suite` (bench/suite.ts, PyTorch side bench/suite-torch.py). Milliseconds per training step (forward, backward, Adam step with lr 1e-3, cross-entropy, synthetic uint8 images normalised on the fly, fixed seed); the project's step is its engine trainer's (src/engine/trainer.ts), loss read back as the page does. Interleaved rounds (project, then PyTorch, per workload, the order flipped every other round); median and min over the rounds of each round's mean step time. **torch/project** = PyTorch time / project time: above 1 the project is faster. **tfjs-only** = the same project step with its own wasm kernels (src/kernels/: fused Adam, conv filter gradient) turned off, measured in the same rounds; **own-kernel speedup** = tfjs-only / project; **torch/tfjs-only** = the ratio the project had before its own kernels, measured in the same rounds.",
    '',
    `- Date: ${info.date}`,
    `- CPU: ${info.cpu} (${info.cores} logical cores; PyTorch on one thread, the project on ${info.threadCount})`,
    `- Project: tfjs ${info.tfjs}, backend ${info.backend} (SIMD ${info.wasmSimd}, ${info.threadCount > 1 ? `${info.threadCount} threads: tfjs's threaded build on worker_threads, src/engine/nodeWasmThreads.ts` : '1 thread'}), own wasm kernels ${info.ownKernels}, Node ${info.node}`,
    t
      ? `- PyTorch: ${t.torch}${t.debian ? ` (Debian ${Object.entries(t.debian).filter(([, v]) => v).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''} (${t.executable}, Python ${t.python}), torch.set_num_threads(1) → ${t.threads}, oneDNN (mkldnn) ${t.mkldnn ? 'available: convolutions go through oneDNN, not the BLAS' : 'not available'}, build BLAS_INFO=${t.blasInfo}`
      : `- PyTorch: not measured (${(info.torch as { missing: string }).missing})`,
    ...(t ? [`- BLAS loaded by torch: ${blasLine(t)}`, `  - libraries: ${t.blas.libraries.join('; ')}`] : []),
    `- PyTorch environment: ${unset.length ? `${unset.map(([k, v]) => `${k}=${v}`).join(', ')} unset for the PyTorch side only` : 'no OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE set'}; ${Object.entries(info.setForTorch).map(([k, v]) => `${k}=${v}`).join(' ') || 'nothing set'}${'MALLOC_TRIM_THRESHOLD_' in info.setForTorch ? " (glibc malloc keeps its memory: with its defaults PyTorch hands the big activation buffers back to the kernel every step and faults them in again; the project's wasm heap only grows)" : t ? ' (glibc malloc defaults: --torch-default-malloc)' : ''}`,
    `- Load average (1 min) at start / end: ${info.load.map((x) => x.toFixed(2)).join(' / ')} on ${info.cores} cores`,
    `- Rounds: ${info.rounds}, warm-up ${info.warmup} steps per measurement; timed steps per round: ${Object.entries(info.steps).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    '',
    markdownTable(rows),
    '',
    '"previous" = measured before this suite existed (project wasm 1 thread vs PyTorch 1.13 OpenBLAS 1 thread), for comparison. "tensors before→after" = tfjs tensors before the first and after the last round of the workload; LEAK marks a run that did not give back all its tensors.',
    '',
  ].join('\n');
}
