// Benchmark (not a test): the project's training step next to PyTorch's on the same CPU, every workload of the
// performance issue in one command, interleaved rounds, a ratio table on stdout and in bench/RESULTS.md.
//   npm run bench:suite -- [--quick] [--rounds 5] [--only ffnn-b100,mlp-b128] [--no-torch] [--torch-default-malloc] [--out FILE]
// The project side is the engine's trainer (src/engine/trainer.ts, as `npm run bench`'s engine loop) on tfjs wasm,
// one thread (tfjs-backend-wasm has no threads in Node). The PyTorch side is bench/suite-torch.py, one process for
// the whole run, driven line by line over stdin/stdout so that its rounds interleave with the project's; it runs
// with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE removed, every thread count 1 and glibc malloc told to keep its memory (TORCH_MALLOC). No python with torch (or --no-torch):
// the project side only. The command line is checked before tfjs is imported (--help and a bad flag answer at once).
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startCommand, usageErrorLine } from '../src/cli/args';
import type { DatasetBuffers, TrainConfig } from '../src/engine/types';
import {
  BENCH_SUITE,
  fmtMs,
  formatTable,
  markdown,
  suiteOptions,
  toRow,
  type RunInfo,
  type SuiteOptions,
  type TorchInfo,
  type Workload,
  type WorkloadResult,
} from './suite-lib';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** Removed from the PyTorch side's environment (they slow OpenBLAS down on the machines that set them). */
const OPENBLAS_VARS = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'];

/** The first of $BENCH_PYTHON, /usr/bin/python3, python3 that imports torch; or why none does. */
function findPython(): { python: string } | { missing: string } {
  const tried: string[] = [];
  for (const c of [process.env.BENCH_PYTHON, '/usr/bin/python3', 'python3']) {
    if (!c || tried.includes(c)) continue;
    tried.push(c);
    const r = spawnSync(c, ['-c', 'import torch'], { stdio: 'ignore', timeout: 120_000 });
    if (r.status === 0) return { python: c };
  }
  return { missing: `no python that imports torch (tried ${tried.join(', ')}; scripts/bench-setup.sh installs python3-torch)` };
}

/**
 * glibc malloc settings for the PyTorch side: without them glibc hands the big activation buffers back to the
 * kernel (trim / munmap) after every step and faults them in again on the next, which on VGG ×⅛ at batch 128
 * costs PyTorch ~1.5-2× (65-90 ms a step with them, 120-170 ms without, on the machine of bench/RESULTS.md).
 * The project's wasm heap only grows, so it never pays that. --torch-default-malloc leaves glibc's defaults.
 */
const TORCH_MALLOC: Record<string, string> = { MALLOC_MMAP_THRESHOLD_: String(32 << 20), MALLOC_TRIM_THRESHOLD_: String(1 << 30), MALLOC_TOP_PAD_: String(256 << 20) };

function torchEnv(tunedMalloc: boolean): { env: NodeJS.ProcessEnv; unset: Record<string, string>; set: Record<string, string> } {
  const set: Record<string, string> = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1', ...(tunedMalloc ? TORCH_MALLOC : {}) };
  const env: NodeJS.ProcessEnv = { ...process.env, ...set };
  const unset: Record<string, string> = {};
  for (const k of OPENBLAS_VARS) {
    if (env[k] !== undefined) unset[k] = env[k]!;
    delete env[k];
  }
  return { env, unset, set };
}

/** bench/suite-torch.py in its line protocol: one JSON request per line in, one JSON answer per line out. */
class TorchSide {
  private waiting: ((line: string | null) => void)[] = [];
  private lines: string[] = [];
  private closed = false;
  private stderr = '';

  private constructor(private readonly proc: ChildProcessWithoutNullStreams) {
    createInterface({ input: proc.stdout }).on('line', (l) => {
      const w = this.waiting.shift();
      if (w) w(l);
      else this.lines.push(l);
    });
    proc.stdin.on('error', () => {}); // a dead child: next() reports it with its stderr
    proc.stderr.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    proc.on('close', () => {
      this.closed = true;
      for (const w of this.waiting.splice(0)) w(null);
    });
  }

  static async start(python: string, env: NodeJS.ProcessEnv): Promise<{ side: TorchSide; info: TorchInfo }> {
    const side = new TorchSide(spawn(python, [path.join(HERE, 'suite-torch.py')], { env, stdio: ['pipe', 'pipe', 'pipe'] }));
    const hello = JSON.parse(await side.next()) as { hello: TorchInfo };
    return { side, info: hello.hello };
  }

  private next(): Promise<string> {
    const l = this.lines.shift();
    if (l !== undefined) return Promise.resolve(l);
    if (this.closed) return Promise.reject(new Error(`suite-torch.py ended: ${this.stderr.trim()}`));
    return new Promise((resolve, reject) => this.waiting.push((x) => (x === null ? reject(new Error(`suite-torch.py ended: ${this.stderr.trim()}`)) : resolve(x))));
  }

  async run(w: Workload, warmup: number, steps: number): Promise<number> {
    const workload = { name: w.name, model: w.model, shape: w.shape, width: w.width, batch: w.batch, classes: 10, mean: w.mean, std: w.std, seed: 1 };
    this.proc.stdin.write(`${JSON.stringify({ workload, warmup, steps })}\n`);
    const ans = JSON.parse(await this.next()) as { ms?: number; error?: string };
    if (ans.error !== undefined || typeof ans.ms !== 'number') throw new Error(`PyTorch ${w.name}: ${ans.error ?? 'no time'}`);
    return ans.ms;
  }

  close(): void {
    this.proc.stdin.end();
  }
}

/** Synthetic uint8 images and labels from a fixed seed: 8 batches to train on, one to evaluate (before and after). */
function syntheticData(w: Workload, createRng: (seed: number) => () => number): DatasetBuffers {
  const [h, wd, c] = w.shape;
  const size = h * wd * c;
  const r = createRng(7);
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(256 * r()));
  const labels = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(10 * r()));
  const nTrain = 8 * w.batch;
  // Named 'mnist' whatever the shape: no augmentation (CIFAR-10's flip-crop), so both sides time the same math.
  return { name: 'mnist', trainImages: bytes(nTrain * size), trainLabels: labels(nTrain), testImages: bytes(w.batch * size), testLabels: labels(w.batch),
    shape: w.shape, imageSize: size, numClasses: 10, mean: w.mean, std: w.std };
}

function cpuModel(): string {
  try {
    const text = readFileSync('/proc/cpuinfo', 'utf8');
    const field = (k: string) => new RegExp(`^${k}\\s*:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim();
    const name = field('model name');
    if (name) {
      const fam = field('cpu family');
      const model = field('model');
      const avx512 = /^flags\s*:.*\bavx512f\b/m.test(text) ? ', AVX-512' : /^flags\s*:.*\bavx2\b/m.test(text) ? ', AVX2' : '';
      return `${name}${fam ? ` (family ${fam}, model ${model}${avx512})` : ''}`;
    }
  } catch {
    // not Linux: os.cpus below
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

async function runSuite(o: SuiteOptions): Promise<void> {
  const tf = await import('@tensorflow/tfjs');
  const { version_wasm } = await import('@tensorflow/tfjs-backend-wasm');
  const { useNodeBackend } = await import('../src/engine/nodeBackends');
  const { train } = await import('../src/engine/trainer');
  const { createRng } = await import('../src/data/batching');
  const backend = await useNodeBackend('wasm', { threads: o.threads });
  const { wasmThreadsInUse } = await import('../src/engine/backend');
  const threadCount = wasmThreadsInUse() ?? 1;
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');

  let torch: { side: TorchSide; info: TorchInfo } | null = null;
  let torchInfo: RunInfo['torch'] = { missing: '--no-torch' };
  const { env, unset, set } = torchEnv(o.torchMalloc);
  if (o.torch) {
    const py = findPython();
    if ('missing' in py) {
      torchInfo = py;
    } else {
      try {
        torch = await TorchSide.start(py.python, env);
        torchInfo = torch.info;
      } catch (e) {
        torchInfo = { missing: `${py.python} bench/suite-torch.py failed: ${e instanceof Error ? e.message : String(e)}` };
      }
    }
  }
  const stepsOf = (w: Workload) => o.steps ?? w.steps;

  console.log(`bench:suite — ms per training step (Adam, lr 1e-3), ${o.rounds} interleaved rounds, warm-up ${o.warmup}; CPU ${cpuModel()}`);
  console.log(`project: tfjs ${tf.version.tfjs} (wasm backend ${version_wasm}), backend ${backend}, SIMD ${simd}, threads ${threadCount}${o.threads > 1 ? ` (asked ${o.threads}; tfjs's threaded build on worker_threads)` : ''}`);
  if (torch) {
    const t = torch.info;
    const deb = Object.entries(t.debian ?? {}).filter(([, v]) => v).map(([k, v]) => `${k} ${v}`).join(', ');
    console.log(`PyTorch: ${t.torch}${deb ? ` (Debian ${deb})` : ''} (${t.executable}), threads ${t.threads}, oneDNN ${t.mkldnn}; BLAS ${t.blas.kind}: ${t.blas.openblasConfig ?? t.blas.libraries.join(', ')}${t.blas.openblasCore ? `, core ${t.blas.openblasCore}` : ''}; 512² sgemm ${t.blas.sgemm512GflopsPerS} GFLOP/s`);
    console.log(`  environment of the PyTorch side: ${Object.keys(unset).length ? `${Object.entries(unset).map(([k, v]) => `${k}=${v}`).join(', ')} unset` : 'no OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE to unset'}; ${Object.entries(set).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    if (t.blas.kind !== 'OpenBLAS') console.log(`  WARNING: torch's sgemm is not OpenBLAS's (${t.blas.sgemmFrom ?? t.blas.kind}); Debian's reference BLAS makes PyTorch ~8× slower: run scripts/bench-setup.sh`);
  } else {
    console.log(`PyTorch: not measured (${(torchInfo as { missing: string }).missing})`);
  }

  const results: WorkloadResult[] = o.workloads.map((w) => ({ workload: w, project: [], baseline: [], torch: [], tensorsBefore: -1, tensorsAfter: -1, maxLeak: 0 }));
  const data = new Map(o.workloads.map((w) => [w.name, syntheticData(w, createRng)]));

  const { setOwnKernels, ownKernelsStatus } = await import('../src/kernels/ownKernels');
  console.log(`own wasm kernels: ${ownKernelsStatus()}${o.baseline ? '; baseline: the same step with them off (tfjs kernels only)' : ''}`);
  const projectRun = async (res: WorkloadResult, own = true): Promise<number> => {
    const w = res.workload;
    setOwnKernels(own);
    const steps = stepsOf(w);
    const cfg: TrainConfig = { dataset: 'mnist', model: w.model, optimizer: 'Adam', alpha0: 1e-3, beta: 1e-7, momentum: 0.9, weightDecay: 0,
      batchSize: w.batch, epochs: 1, iterations: o.warmup + steps, seed: 1, evalEvery: 1e9, width: w.width };
    const before = tf.memory().numTensors;
    if (res.tensorsBefore < 0) res.tensorsBefore = before;
    const times: number[] = [];
    // Evaluations (before the first step and after the last) fall outside the timed window: step times come from the stream.
    const state = await train({ runId: 'bench-suite', config: cfg }, data.get(w.name)!, { metrics: (b) => times.push(...b.train.time), status: () => {} }, { checkpoint: async () => 'go' });
    if (state !== 'done' || times.length !== o.warmup + steps) throw new Error(`${w.name}: the run ended ${state} after ${times.length} steps`);
    const after = tf.memory().numTensors;
    res.tensorsAfter = after;
    if (Math.abs(after - before) > Math.abs(res.maxLeak)) res.maxLeak = after - before;
    setOwnKernels(true);
    return ((times[times.length - 1] - times[o.warmup - 1]) * 1000) / steps;
  };

  const t0 = performance.now();
  const load0 = os.loadavg()[0];
  for (let r = 0; r < o.rounds; r++) {
    for (const res of results) {
      const w = res.workload;
      // Project first in even rounds, PyTorch first in odd ones: neither side always runs on a just-warmed cache.
      const order: ('project' | 'baseline' | 'torch')[] = o.baseline ? ['project', 'baseline', 'torch'] : ['project', 'torch'];
      const sides = r % 2 === 0 ? order : [...order].reverse();
      const parts: string[] = [];
      for (const side of sides) {
        if (side === 'project') {
          const ms = await projectRun(res);
          res.project.push(ms);
          parts.push(`project ${fmtMs(ms)}`);
        } else if (side === 'baseline') {
          const ms = await projectRun(res, false);
          res.baseline.push(ms);
          parts.push(`tfjs-only ${fmtMs(ms)}`);
        } else if (torch && res.torchError === undefined) {
          try {
            const ms = await torch.side.run(w, o.warmup, stepsOf(w));
            res.torch.push(ms);
            parts.push(`torch ${fmtMs(ms)}`);
          } catch (e) {
            res.torchError = e instanceof Error ? e.message : String(e);
            parts.push(`torch failed: ${res.torchError}`);
          }
        }
      }
      console.log(`  round ${r + 1}/${o.rounds} ${w.name.padEnd(12)} ${parts.join(', ')} ms/step (${stepsOf(w)} steps)`);
    }
  }
  torch?.side.close();

  const rows = results.map(toRow);
  console.log('');
  console.log(formatTable(rows));
  console.log('');
  for (const res of results) {
    console.log(`  ${res.workload.name}: tensors before ${res.tensorsBefore}, after ${res.tensorsAfter}${res.maxLeak ? `, LEAK: ${res.maxLeak} per run` : ' (no leak)'}${res.torchError ? `; PyTorch failed: ${res.torchError}` : ''}`);
  }
  console.log(`torch/project = PyTorch ms / project ms (medians): above 1 the project is faster. ${((performance.now() - t0) / 1000).toFixed(0)} s, load average ${load0.toFixed(2)} → ${os.loadavg()[0].toFixed(2)} on ${os.cpus().length} cores.`);

  if (o.out !== null) {
    const info: RunInfo = {
      date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      cpu: cpuModel(),
      cores: os.cpus().length,
      node: process.version,
      tfjs: `${tf.version.tfjs} (tfjs-backend-wasm ${version_wasm})`,
      backend,
      wasmSimd: simd as boolean,
      threadCount,
      ownKernels: ownKernelsStatus(),
      rounds: o.rounds,
      warmup: o.warmup,
      steps: Object.fromEntries(o.workloads.map((w) => [w.name, stepsOf(w)])),
      load: [load0, os.loadavg()[0]],
      torch: torchInfo,
      unsetForTorch: torch ? unset : {},
      setForTorch: torch ? set : {},
    };
    writeFileSync(o.out, markdown(info, rows));
    console.log(`wrote ${o.out}`);
  }
}

async function main(argv: string[]): Promise<number> {
  const p = startCommand(BENCH_SUITE, argv);
  if (p === null) return Number(process.exitCode ?? 0);
  let o: SuiteOptions;
  try {
    o = suiteOptions(p);
  } catch (e) {
    process.stderr.write(`${usageErrorLine(BENCH_SUITE, e instanceof Error ? e.message : String(e))}\n`);
    return 2;
  }
  await runSuite(o);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench:suite: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
