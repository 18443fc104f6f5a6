// Checks every own wasm kernel (src/kernels/) against an independent reference, in whatever V8 tier the
// process runs: test/unit/ownKernelsTiers.test.ts runs it with --no-liftoff (every wasm function compiled
// by the optimising TurboFan from the first call) and with the default tiering. Why: a kernel can be
// right under Liftoff, the tier that short tests mostly see, and wrong under TurboFan; that happened to
// an auto-vectorised loop (see hgkernels.c). With `--threads N`, on tfjs's threaded build, whose heap is
// shared memory (the kernels' hgkernels-shared.wasm build). Prints one JSON line; exits 1 when a check fails.
//   node --no-liftoff --import tsx test/kernelTiersCheck.ts [--threads 2]
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor1D, Tensor4D } from '@tensorflow/tfjs';
import { createRng } from '../src/data/batching';
import { wasmThreadsInUse } from '../src/engine/backend';
import { useNodeBackend } from '../src/engine/nodeBackends';
import { filterGradOracle, kernelsOff, normal as normalValues } from './kernelOracles';
import { fusedAdam, ownKernelsStatus } from '../src/kernels/ownKernels';
import { batchNormTrain } from '../src/models/batchNorm';
import { filterGrad } from '../src/models/conv';
import { reluMaxPool2 } from '../src/models/pool';
import { adamDirection } from '../src/optim/directions';
import { HYPER_DEFAULTS } from '../src/optim/hyper';

const threadsAt = process.argv.indexOf('--threads');
const threads = threadsAt > 0 ? Number(process.argv[threadsAt + 1]) : 1;
await useNodeBackend('wasm', { threads });
const rng = createRng(2026);
const normal = (n: number) => normalValues(n, rng);
const failures: string[] = [];
const report: Record<string, number | string | boolean> = {
  status: ownKernelsStatus(),
  threads: wasmThreadsInUse() ?? 0,
  sharedMemory: (tf.backend() as unknown as { wasm: { wasmMemory?: WebAssembly.Memory } }).wasm.wasmMemory?.buffer instanceof SharedArrayBuffer,
};
if (report.status !== 'on') failures.push(`own kernels ${report.status}`);

/** Elements that differ in bits (NaNs of any payload count as equal). */
function bitMismatches(a: Float32Array, b: Float32Array): number {
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length), ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  let n = a.length === b.length ? 0 : Math.max(a.length, b.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (ua[i] !== ub[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) n++;
  return n;
}

function both<T>(f: () => T): { own: T; plain: T } {
  return { own: f(), plain: kernelsOff(f) };
}

// Several rounds: under default tiering the later ones run code that tiered up during the earlier ones.
for (let round = 0; round < 3; round++) {
  // Adam, both ε placements: bitwise equal to the composed ops (adamDirection's fallback).
  let adam = 0;
  for (const n of [1, 3, 4, 5, 1003, 4096]) {
    for (const legacy of [false, true]) {
      const g = tf.tensor1d(normal(n)), m = tf.tensor1d(normal(n).map((x) => 0.1 * x)), v = tf.tensor1d(normal(n).map((x) => x * x));
      const dir = adamDirection(() => legacy);
      const hp = { ...HYPER_DEFAULTS, beta1: 0.9, beta2: 0.999, eps: 1e-8, legacyAdamEps: legacy };
      const r = both(() => tf.tidy(() => {
        const { u, state } = dir.apply(g, { m, v }, 7, hp);
        return [u, state.m, state.v].map((t) => Float32Array.from(t.dataSync()));
      }));
      r.own.forEach((a, i) => (adam += bitMismatches(a, r.plain[i])));
      const direct = tf.tidy(() => fusedAdam(g, m, v, { beta1: 0.9, beta2: 0.999, eps: 1e-8, t: 7, legacy }).map((t) => Float32Array.from(t.dataSync())));
      adam += bitMismatches(direct[2], r.plain[0]); // fusedAdam gives [m2, v2, u]
      tf.dispose([g, m, v]);
    }
  }
  report.adamBitMismatches = (Number(report.adamBitMismatches ?? 0)) + adam;

  // relu(maxPool 2×2) gradient: bitwise equal to pool.ts's composed ops.
  let pool = 0;
  for (const shape of [[2, 4, 6, 5], [3, 8, 8, 16], [16, 28, 28, 6]] as [number, number, number, number][]) {
    const size = shape.reduce((a, b) => a * b);
    const z = tf.tensor4d(normal(size), shape);
    const r = tf.tensor4d(normal(size / 4), [shape[0], shape[1] / 2, shape[2] / 2, shape[3]]);
    const res = both(() => tf.tidy(() => Float32Array.from(tf.grad((zz: Tensor) => tf.sum(tf.mul(reluMaxPool2(zz as Tensor4D), r)))(z).dataSync())));
    pool += bitMismatches(res.own, res.plain);
    tf.dispose([z, r]);
  }
  report.poolBitMismatches = (Number(report.poolBitMismatches ?? 0)) + pool;

  // Conv filter gradient against a float64 sum; error relative to Σ|terms| of each element.
  let conv = 0;
  for (const [n, h, w, ci, co, k, p] of [[2, 7, 6, 1, 6, 5, 2], [2, 9, 8, 3, 7, 3, 1], [3, 10, 10, 6, 16, 5, 0], [2, 6, 6, 5, 13, 3, 1], [1, 5, 7, 2, 2, 1, 0]]) {
    const ho = h + 2 * p - k + 1, wo = w + 2 * p - k + 1;
    const xv = normal(n * h * w * ci), dv = normal(n * ho * wo * co);
    const got = tf.tidy(() => filterGrad(tf.tensor4d(xv, [n, h, w, ci]), tf.tensor4d(dv, [n, ho, wo, co]), k, p, 'native').dataSync());
    const { sum, mag } = filterGradOracle({ n, h, w, ci, co, kh: k, kw: k, strides: 1, pad: p }, xv, dv, ho, wo, p, p);
    got.forEach((g, i) => (conv = Math.max(conv, Math.abs(g - sum[i]) / (mag[i] + 1e-30))));
  }
  report.convWorstRelToAbsSum = Math.max(Number(report.convWorstRelToAbsSum ?? 0), conv);

  // Batch norm: y and the gradients against float64 (the same formulas, summed in float64).
  let bn = 0;
  for (const shape of [[2, 3, 3, 6], [16, 8, 8, 8], [8, 2, 2, 64], [3, 5, 7, 5]] as [number, number, number, number][]) {
    const c = shape[3], size = shape.reduce((a, b) => a * b), m = size / c;
    const xv = normal(size).map((x) => 2 * x + 0.3), gv = normal(c), bv = normal(c), rv = normal(size);
    const out = tf.tidy(() => {
      const x = tf.tensor4d(xv, shape), r = tf.tensor4d(rv, shape), rm = tf.zeros([c]), rvar = tf.ones([c]);
      let y: Float32Array = new Float32Array();
      const grads = tf.grads((xx: Tensor, gg: Tensor, bb: Tensor) => {
        const res = batchNormTrain(xx as Tensor4D, gg as Tensor1D, bb as Tensor1D, rm, rvar);
        y = Float32Array.from(res.y.dataSync());
        tf.dispose([res.runningMean, res.runningVar]);
        return tf.sum(tf.mul(res.y, r));
      })([x, tf.tensor1d(gv), tf.tensor1d(bv)]);
      return [y, ...grads.map((t) => Float32Array.from(t.dataSync()))];
    });
    for (let q = 0; q < c; q++) {
      let mu = 0, vr = 0, sd = 0, sdx = 0;
      for (let i = 0; i < m; i++) mu += xv[i * c + q] / m;
      for (let i = 0; i < m; i++) vr += (xv[i * c + q] - mu) ** 2 / m;
      const rs = 1 / Math.sqrt(vr + 1e-5);
      for (let i = 0; i < m; i++) {
        sd += rv[i * c + q];
        sdx += rv[i * c + q] * (xv[i * c + q] - mu) * rs;
      }
      const err = (got: number, want: number, scale: number) => (bn = Math.max(bn, Math.abs(got - want) / scale));
      for (let i = 0; i < m; i++) {
        const xh = (xv[i * c + q] - mu) * rs;
        err(out[0][i * c + q], xh * gv[q] + bv[q], Math.abs(gv[q]) * 4 + Math.abs(bv[q]));
        err(out[1][i * c + q], gv[q] * rs * (rv[i * c + q] - sd / m - (xh * sdx) / m), Math.abs(gv[q] * rs) * 4);
      }
      err(out[2][q], sdx, Math.sqrt(m) * 4);
      err(out[3][q], sd, Math.sqrt(m) * 4);
    }
  }
  report.batchNormWorstScaledErr = Math.max(Number(report.batchNormWorstScaledErr ?? 0), bn);
}

if (report.adamBitMismatches !== 0) failures.push(`Adam: ${report.adamBitMismatches} elements differ from the composed ops`);
if (report.poolBitMismatches !== 0) failures.push(`pool gradient: ${report.poolBitMismatches} elements differ from the composed ops`);
// float32 sums of at most a few hundred products: well under 1e-5 of Σ|terms| (measured ~2e-7).
if (Number(report.convWorstRelToAbsSum) > 1e-5) failures.push(`conv filter gradient: error ${report.convWorstRelToAbsSum} of Σ|terms|`);
// Values of order 1, float32 arithmetic: ~1e-6 (measured ~3e-7); a wrong kernel is off by O(1).
if (Number(report.batchNormWorstScaledErr) > 1e-4) failures.push(`batch norm: scaled error ${report.batchNormWorstScaledErr}`);
report.tensorsLeft = tf.memory().numTensors;
console.log(JSON.stringify({ ...report, failures }));
process.exit(failures.length ? 1 : 0);
