// The project's own wasm kernels (src/kernels/ownKernels.ts, src/kernels/wasm/hgkernels.c), each against an
// independent oracle:
//   * the committed module: the base64 in hgkernelsBinary.ts is the .wasm on disk byte for byte, has no data
//     (or data-count) section, imports exactly env.memory and exports the kernels;
//   * registration: on/off/on again, and the status line;
//   * HgAdam: bit for bit equal to adamDirection's composed tfjs ops (the same ops with the own kernels
//     unregistered, on the same wasm backend), special values included, and to whole training runs;
//   * Conv2DBackpropFilter: against a float64 direct sum over every register-tile remainder and geometry
//     (strides, paddings, rounding), against tfjs autodiff of tf.conv2d and the cpu backend's own kernel.
// test/unit/ownKernelsTiers.test.ts runs a shorter version of these checks under V8's optimising tier.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/data/batching';
import { useNodeBackend } from '../../src/engine/nodeBackends';
import { train } from '../../src/engine/trainer';
import type { DatasetBuffers, MetricBatch, TrainConfig } from '../../src/engine/types';
import { fusedAdam, hasFusedAdam, HG_ADAM, ownKernelsStatus, setOwnKernels } from '../../src/kernels/ownKernels';
import * as binary from '../../src/kernels/wasm/hgkernelsBinary';
import { adamDirection } from '../../src/optim/directions';
import { HYPER_DEFAULTS } from '../../src/optim/hyper';
import { filterGradOracle, kernelsOff, normal, type ConvCase, type Pad } from '../kernelOracles';

const WASM_DIR = resolve(__dirname, '../../src/kernels/wasm');

beforeAll(async () => {
  await useNodeBackend('wasm');
});

afterEach(async () => {
  setOwnKernels(true);
  if (tf.getBackend() !== 'wasm') await useNodeBackend('wasm');
});

// ---------------------------------------------------------------------------------------------------------
// Small helpers.

function bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}

/**
 * Indices where a and b differ in any bit (so −0 ≠ +0 and NaN payloads count), as "i: got vs want" lines
 * (the first few). Empty when bitwise equal.
 */
function bitDiffs(got: Float32Array, want: Float32Array, limit = 5): string[] {
  if (got.length !== want.length) return [`length ${got.length} vs ${want.length}`];
  const ug = bits(got), uw = bits(want), out: string[] = [];
  for (let i = 0; i < got.length && out.length < limit; i++) {
    if (ug[i] !== uw[i]) out.push(`${i}: ${got[i]} (0x${ug[i].toString(16)}) vs ${want[i]} (0x${uw[i].toString(16)})`);
  }
  return out;
}

/** Counts the kernels tf.engine() runs while f runs, by name (f asynchronous: counted until it settles). */
async function countKernels<T>(f: () => Promise<T>): Promise<{ result: T; counts: Map<string, number> }> {
  const { restore, counts } = spyKernels();
  try {
    return { result: await f(), counts };
  } finally {
    restore();
  }
}

function countKernelsSync<T>(f: () => T): { result: T; counts: Map<string, number> } {
  const { restore, counts } = spyKernels();
  try {
    return { result: f(), counts };
  } finally {
    restore();
  }
}

function spyKernels(): { restore: () => void; counts: Map<string, number> } {
  const engine = tf.engine() as unknown as { runKernel: (name: string, ...rest: unknown[]) => unknown };
  const original = engine.runKernel;
  const counts = new Map<string, number>();
  engine.runKernel = function (this: unknown, name: string, ...rest: unknown[]) {
    counts.set(name, (counts.get(name) ?? 0) + 1);
    return original.call(this, name, ...rest);
  };
  return { restore: () => void (engine.runKernel = original), counts };
}

// ---------------------------------------------------------------------------------------------------------
// 1. The committed module.

/** The module's sections in order: id and payload size (LEB128 u32), checking that they tile the file exactly. */
function wasmSections(bytes: Uint8Array): { id: number; size: number }[] {
  expect([...bytes.subarray(0, 8)]).toEqual([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]); // \0asm, version 1
  const sections: { id: number; size: number }[] = [];
  let p = 8;
  while (p < bytes.length) {
    const id = bytes[p++];
    let size = 0, shift = 0, byte: number;
    do {
      if (p >= bytes.length) throw new Error('truncated LEB128 section size');
      byte = bytes[p++];
      size += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    if (shift > 35) throw new Error('LEB128 u32 longer than 5 bytes');
    sections.push({ id, size });
    p += size;
  }
  expect(p, 'the last section ends at the end of the file').toBe(bytes.length);
  return sections;
}

/** The committed builds: the plain one always, the shared-memory one where the tree has it. */
function builds(): { file: string; b64: string }[] {
  const out = [{ file: 'hgkernels.wasm', b64: binary.HGKERNELS_WASM_BASE64 }];
  const shared = (binary as Record<string, unknown>).HGKERNELS_SHARED_WASM_BASE64;
  if (typeof shared === 'string' || existsSync(resolve(WASM_DIR, 'hgkernels-shared.wasm'))) {
    out.push({ file: 'hgkernels-shared.wasm', b64: shared as string });
  }
  return out;
}

describe('the committed wasm module', () => {
  it.each(builds())('$file: the base64 in hgkernelsBinary.ts is the file on disk, byte for byte', ({ file, b64 }) => {
    expect(typeof b64).toBe('string');
    const fromTs = Buffer.from(b64, 'base64');
    // Buffer.from ignores bad characters: re-encoding must give the same text back.
    expect(fromTs.toString('base64')).toBe(b64);
    const onDisk = readFileSync(resolve(WASM_DIR, file));
    expect(fromTs.length).toBe(onDisk.length);
    expect(fromTs.equals(onDisk)).toBe(true);
  });

  it.each(builds())('$file: no data or data-count section; imports only env.memory; exports adam and conv2d_filter_grad', ({ b64 }) => {
    const bytes = new Uint8Array(Buffer.from(b64, 'base64'));
    const sections = wasmSections(bytes);
    const ids = sections.map((s) => s.id);
    // A code section (id 10) must be there, so the parse really walked the module.
    expect(ids).toContain(10);
    expect(ids).not.toContain(11); // data: would write into tfjs's heap at instantiation
    expect(ids).not.toContain(12); // data count
    // Known section ids only (0 custom .. 12); the non-custom ones strictly increasing, as the spec requires.
    for (const id of ids) expect(id).toBeLessThanOrEqual(12);
    const ordered = ids.filter((id) => id !== 0);
    expect(ordered).toEqual([...new Set(ordered)].sort((a, b) => a - b));
    const mod = new WebAssembly.Module(bytes);
    expect(WebAssembly.Module.imports(mod)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    const exports = WebAssembly.Module.exports(mod);
    for (const name of ['adam', 'conv2d_filter_grad']) expect(exports).toContainEqual({ name, kind: 'function' });
    // Nothing but functions: no memory, table or global of its own that a loader could mistake for tfjs's.
    expect(exports.filter((e) => e.kind !== 'function')).toEqual([]);
  });

  it('where there is a shared-memory build, it computes what the plain build does, bit for bit (instantiated directly)', () => {
    const all = builds();
    if (all.length < 2) return; // no shared build in this tree: nothing to compare
    // Both modules on a memory of their own (the plain one ordinary, the shared one a SharedArrayBuffer), the
    // same inputs at the same offsets; Adam (vector body and scalar tail) and the filter gradient (padded copy).
    type K = { adam: (...a: number[]) => void; pad_input: (...a: number[]) => void; conv2d_filter_grad: (...a: number[]) => void };
    const outputs = all.map(({ b64 }, i) => {
      const memory = new WebAssembly.Memory(i === 0 ? { initial: 64 } : { initial: 64, maximum: 65536, shared: true });
      const k = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(b64, 'base64')), { env: { memory } }).exports as unknown as K;
      const heap = new Float32Array(memory.buffer);
      const rand = createRng(3);
      const n = 1003, base = 1024; // floats
      const [g, m, v, m2, v2, u] = [0, 1, 2, 3, 4, 5].map((j) => base + j * 1024);
      heap.set(normal(n, rand), g);
      heap.set(normal(n, rand), m);
      heap.set(normal(n, rand).map((x) => x * x), v);
      const c = { beta1: 0.9, beta2: 0.999, eps: 1e-8, t: 3 };
      const bc1 = 1 - c.beta1 ** c.t, sbc2 = Math.sqrt(1 - c.beta2 ** c.t);
      k.adam(4 * g, 4 * m, 4 * v, 4 * m2, 4 * v2, 4 * u, n, c.beta1, 1 - c.beta1, c.beta2, 1 - c.beta2, c.eps, sbc2, bc1, sbc2 / bc1, 0);
      // Filter gradient of x [2, 6, 5, 3], pad 1 → xp [2, 8, 7, 3], 3×3 filter, 7 output channels.
      const x = base + 8192, xp = x + 1024, dy = xp + 1024, dw = dy + 1024;
      heap.set(normal(2 * 6 * 5 * 3, rand), x);
      heap.set(normal(2 * 6 * 5 * 7, rand), dy);
      k.pad_input(4 * x, 4 * xp, 2, 6, 5, 3, 8, 7, 1, 1);
      k.conv2d_filter_grad(4 * xp, 4 * dy, 4 * dw, 2, 8, 7, 3, 6, 5, 7, 3, 3, 1, 1);
      return Float32Array.from(heap.subarray(base, dw + 3 * 3 * 3 * 7));
    });
    expect(outputs[1].some((x) => x !== 0)).toBe(true);
    expect(bitDiffs(outputs[1], outputs[0])).toEqual([]);
  });

  it('the section parser rejects a file whose sections do not tile it', () => {
    const bytes = new Uint8Array(Buffer.from(binary.HGKERNELS_WASM_BASE64, 'base64'));
    expect(() => wasmSections(bytes.subarray(0, bytes.length - 1))).toThrow();
  });
});

// ---------------------------------------------------------------------------------------------------------
// 2. Registration.

describe('registration', () => {
  it('on after useNodeBackend(wasm); setOwnKernels(false) unregisters, setOwnKernels(true) restores', async () => {
    await useNodeBackend('wasm');
    expect(ownKernelsStatus()).toBe('on');
    expect(tf.getKernel(HG_ADAM, 'wasm')).toBeDefined();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(hasFusedAdam()).toBe(true);
    try {
      setOwnKernels(false);
      expect(ownKernelsStatus()).toBe('disabled');
      expect(tf.getKernel(HG_ADAM, 'wasm')).toBeUndefined();
      expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
      expect(hasFusedAdam()).toBe(false);
      setOwnKernels(false); // idempotent
      expect(ownKernelsStatus()).toBe('disabled');
    } finally {
      setOwnKernels(true);
    }
    expect(ownKernelsStatus()).toBe('on');
    expect(tf.getKernel(HG_ADAM, 'wasm')).toBeDefined();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    setOwnKernels(true); // idempotent: registering twice must not throw
    expect(hasFusedAdam()).toBe(true);
  });

  it('on the cpu backend there is no fused Adam; back on wasm it is there again', async () => {
    try {
      await useNodeBackend('cpu');
      expect(tf.getBackend()).toBe('cpu');
      expect(hasFusedAdam()).toBe(false);
    } finally {
      await useNodeBackend('wasm');
    }
    expect(hasFusedAdam()).toBe(true);
    expect(ownKernelsStatus()).toBe('on');
  });
});

// ---------------------------------------------------------------------------------------------------------
// 3. Fused Adam, bit for bit.

const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1e-40, -1e-40, 1.4e-45, -1.4e-45, 1e-20, 1e20, -3e19, 3.4e38];

/** g, m, v of length n: normal g, m, v ≥ 0 (v also exactly 0 in places), specials in g (also in the scalar tail). */
function adamInputs(n: number, seed: number): { g: Float32Array; m: Float32Array; v: Float32Array } {
  const rand = createRng(seed);
  const g = normal(n, rand).map((x) => x * 0.01);
  const m = normal(n, rand).map((x) => x * 1e-3);
  const v = normal(n, rand).map((x, i) => (i % 11 === 3 ? 0 : x * x * 1e-4));
  if (n >= 8) {
    // Specials at spread-out positions, and the last element (in the scalar tail when n % 4 ≠ 0).
    SPECIALS.forEach((s, k) => (g[(k * 7919 + 5) % n] = s));
    g[n - 1] = SPECIALS[seed % SPECIALS.length];
    m[(seed * 31) % n] = -0;
    m[(seed * 37 + 1) % n] = NaN;
    v[(seed * 41 + 2) % n] = Infinity;
  } else if (n > 0) {
    for (let i = 0; i < n; i++) g[i] = SPECIALS[(seed + i) % SPECIALS.length];
  }
  return { g, m, v };
}

describe('HgAdam', () => {
  const sizes = [0, 1, 3, 4, 5, 1003, 4096];
  const variants = [
    { beta1: 0.9, beta2: 0.999, eps: 1e-8 },
    { beta1: 0.5, beta2: 0.9, eps: 1e-3 },
  ];

  it('u, m2, v2 of adamDirection are bitwise equal with the fused kernel and with the composed ops (sizes, ε placements, t, β, specials)', () => {
    const before = tf.memory().numTensors;
    let compared = 0, specialNaNs = 0;
    for (const n of sizes) {
      for (const legacy of [false, true]) {
        for (const t of [1, 2, 50]) {
          for (const [vi, b] of variants.entries()) {
            const seed = n * 13 + t * 7 + vi * 3 + (legacy ? 1 : 0);
            const { g: ga, m: ma, v: va } = adamInputs(n, seed);
            const g = tf.tensor1d(ga), m = tf.tensor1d(ma), v = tf.tensor1d(va);
            const dir = adamDirection(() => legacy);
            const hp = { ...HYPER_DEFAULTS, ...b, legacyAdamEps: legacy };
            const run = () => tf.tidy(() => {
              const { u, state } = dir.apply(g, { m, v }, t, hp);
              return [u, state.m, state.v].map((x) => Float32Array.from(x.dataSync()));
            });
            expect(hasFusedAdam()).toBe(true);
            const own = run();
            const plain = kernelsOff(() => {
              expect(hasFusedAdam()).toBe(false); // the fallback really runs the composed ops
              return run();
            });
            // fusedAdam called directly returns [m2, v2, u].
            const direct = tf.tidy(() => fusedAdam(g, m, v, { ...b, t, legacy }).map((x) => Float32Array.from(x.dataSync())));
            tf.dispose([g, m, v]);
            const where = `n ${n} legacy ${legacy} t ${t} β ${b.beta1}/${b.beta2} ε ${b.eps}`;
            ['u', 'm2', 'v2'].forEach((name, i) => {
              // Strict bits: NaN payloads and −0 included (they do agree: the kernel does the same float32
              // operations in the same order, and V8 produces the same NaNs for them).
              expect(bitDiffs(own[i], plain[i]), `${name}, ${where}`).toEqual([]);
              expect(own[i]).toHaveLength(n);
            });
            expect(bitDiffs(direct[0], plain[1]), `direct m2, ${where}`).toEqual([]);
            expect(bitDiffs(direct[1], plain[2]), `direct v2, ${where}`).toEqual([]);
            expect(bitDiffs(direct[2], plain[0]), `direct u, ${where}`).toEqual([]);
            compared += 3 * n;
            specialNaNs += plain[0].filter(Number.isNaN).length;
          }
        }
      }
    }
    // The specials did produce NaNs (and the comparison saw them), and the sizes were really run.
    expect(specialNaNs).toBeGreaterThan(0);
    expect(compared).toBe(3 * 2 * 3 * 2 * sizes.reduce((a, b) => a + b));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the fused outputs are Adam: a float64 evaluation of the update agrees to float32 rounding', () => {
    // Guards against the fused and composed paths being equal because both run the same (wrong) kernel.
    const n = 1003, t = 3, { beta1, beta2, eps } = variants[0];
    const rand = createRng(5);
    const ga = normal(n, rand), ma = normal(n, rand).map((x) => 0.1 * x), va = normal(n, rand).map((x) => x * x);
    for (const legacy of [false, true]) {
      const out = tf.tidy(() => fusedAdam(tf.tensor1d(ga), tf.tensor1d(ma), tf.tensor1d(va), { beta1, beta2, eps, t, legacy })
        .map((x) => Float32Array.from(x.dataSync())));
      const bc1 = 1 - beta1 ** t, bc2 = 1 - beta2 ** t;
      for (let i = 0; i < n; i++) {
        const m2 = beta1 * ma[i] + (1 - beta1) * ga[i];
        const v2 = beta2 * va[i] + (1 - beta2) * ga[i] ** 2;
        // m2, v2: three float32 roundings (two products, a sum; the constants' own rounding) each ≤ 2⁻²⁴ ≈ 6e−8
        // relative to the terms (m2 may cancel, so relative to |terms|; v2's terms are ≥ 0).
        expect(Math.abs(out[0][i] - m2)).toBeLessThanOrEqual(1e-6 * (Math.abs(beta1 * ma[i]) + Math.abs((1 - beta1) * ga[i])) + 1e-30);
        expect(Math.abs(out[1][i] - v2)).toBeLessThanOrEqual(1e-6 * v2 + 1e-30);
        // u from the kernel's own m2, v2 in float64: sqrt, add (of two non-negatives), and two or three
        // multiplications/divisions, no cancellation: ≤ ~6 roundings, well under 1e−6 relative.
        const [fm, fv] = [out[0][i], out[1][i]];
        const u = legacy ? (fm / (Math.sqrt(fv) + eps)) * (Math.sqrt(bc2) / bc1) : fm / (Math.sqrt(fv) / Math.sqrt(bc2) + eps) / bc1;
        expect(Math.abs(out[2][i] - u)).toBeLessThanOrEqual(1e-6 * Math.abs(u) + 1e-30);
      }
    }
  });

  it('rejects g, m, v of different shapes (also of the same size) and non-float32 tensors', () => {
    const before = tf.memory().numTensors;
    const g = tf.zeros([5]), m = tf.zeros([4]), v = tf.zeros([5]), i = tf.zeros([5], 'int32'), g2 = tf.zeros([2, 3]), m2 = tf.zeros([3, 2]);
    const attrs = { beta1: 0.9, beta2: 0.999, eps: 1e-8, t: 1, legacy: false };
    expect(() => fusedAdam(g, m, v, attrs)).toThrow(/same shape \(got \[5\], \[4\], \[5\]\)/);
    expect(() => fusedAdam(g2, m2, g2, attrs)).toThrow(/same shape/);
    tf.dispose([g2, m2]);
    expect(() => fusedAdam(i, v, v, attrs)).toThrow(/float32/);
    tf.dispose([g, m, v, i]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

// ---------------------------------------------------------------------------------------------------------
// 4. Whole training runs: the loss series with the kernels on and off are bitwise equal.

describe('training with the fused Adam', () => {
  const batch = 32, size = 784;
  const r = createRng(7);
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(256 * r()));
  const labels = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(10 * r()));
  const data: DatasetBuffers = {
    name: 'mnist', trainImages: bytes(8 * batch * size), trainLabels: labels(8 * batch), testImages: bytes(batch * size),
    testLabels: labels(batch), shape: [28, 28, 1], imageSize: size, numClasses: 10, mean: [0.1307], std: [0.3081],
  };

  async function run(config: TrainConfig) {
    const batches: MetricBatch[] = [];
    const { result: outcome, counts } = await countKernels(() =>
      train({ runId: 'own-kernels', config }, data, { metrics: (b) => batches.push(b), status: () => undefined }, { checkpoint: async () => 'go' }, { flushMs: 0 }));
    return {
      outcome,
      adamKernels: counts.get(HG_ADAM) ?? 0,
      loss: Float32Array.from(batches.flatMap((b) => b.train.loss)),
      lr: Float64Array.from(batches.flatMap((b) => b.train.lr)),
    };
  }

  it.each([
    ['Adam', 'ffnn100', 1e-3],
    ['Adam-HD', 'ffnn100', 1e-3],
    ['Adamop-Adamlop', 'logreg', 1e-3],
  ] as const)('%s on %s: 20 steps with own kernels on and off give the same losses, bit for bit', async (optimizer, model, alpha0) => {
    const config: TrainConfig = {
      dataset: 'mnist', model, optimizer, alpha0, beta: 1e-7, momentum: 0.9, weightDecay: 0,
      batchSize: batch, epochs: 1, iterations: 20, seed: 1, evalEvery: 1e9,
    };
    const before = tf.memory().numTensors;
    const on = await run(config);
    setOwnKernels(false);
    let off: Awaited<ReturnType<typeof run>>;
    try {
      off = await run(config);
    } finally {
      setOwnKernels(true);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(on.outcome).toBe('done');
    expect(off.outcome).toBe('done');
    // The fused kernel ran (once per parameter tensor per step) in the first run only.
    expect(on.adamKernels).toBeGreaterThanOrEqual(20);
    expect(off.adamKernels).toBe(0);
    expect(on.loss).toHaveLength(20);
    expect(on.loss.every(Number.isFinite)).toBe(true);
    // The parameters moved: the losses are not all one value.
    expect(new Set(on.loss).size).toBeGreaterThan(1);
    expect(bitDiffs(on.loss, off.loss, 20)).toEqual([]);
    expect([...on.lr]).toEqual([...off.lr]);
  }, 30_000);
});

// ---------------------------------------------------------------------------------------------------------
// 5, 6. Conv2DBackpropFilter against a float64 direct sum.

function describeCase(c: ConvCase): string {
  return `x [${c.n},${c.h},${c.w},${c.ci}] filter ${c.kh}×${c.kw}→${c.co} strides ${JSON.stringify(c.strides)} pad ${JSON.stringify(c.pad)}` +
    (c.dimRoundingMode ? ` ${c.dimRoundingMode}` : '');
}

function convInfo(c: ConvCase) {
  // tfjs's own geometry (what the kernel uses); the oracle below then only takes ho, wo, top, left from it,
  // which the explicit- and numeric-padding cases check independently.
  return tf.backend_util.computeConv2DInfo([c.n, c.h, c.w, c.ci], [c.kh, c.kw, c.ci, c.co], c.strides, 1, c.pad, c.dimRoundingMode, false, 'channelsLast');
}

/*
 * Tolerance. Each dW element is a float32 sum of N = n·ho·wo products (taps in the padding contribute exact
 * zeros). A product x·dy of float32 values rounds once (relative error ≤ u = 2⁻²⁴ ≈ 5.96e−8), and recursive
 * summation of N terms in any order has |error| ≤ γ_{N−1}·Σ|terms| with γ_k = k·u/(1 − k·u) (Higham, Accuracy and
 * Stability, §4.2); both together: |got − exact| ≤ γ_N·Σ|terms|. The float64 oracle's own error is ~1e−16·Σ|terms|.
 * For N ≤ 160, γ_N ≤ 9.6e−6 < 1e−5, so `1e−5·Σ|terms|` is a proven bound for every grid case (asserted below).
 * Where N is larger (the LeNet-sized cases) the proven bound grows as N·u, but with random-sign data the rounding
 * errors are independent and add in quadrature, ~u·√N·(typical partial sum) ≪ u·Σ|terms|, so the same 1e−5 holds
 * with a wide margin (measured: ~1e−7). A wrong kernel (a tap shifted, a term missing or doubled, a lane of
 * another channel) is off by a whole term, ≥ Σ|terms|/N in the mean, far outside the bound for small N; the
 * test below checks the oracle itself rejects a one-pixel shift. The tiny absolute term covers elements whose
 * terms are all zero (a tap that only ever sees padding), where the kernel must return exactly 0.
 */
const REL_TOL = 1e-5, ABS_TOL = 1e-30;

function worstExcess(got: ArrayLike<number>, want: Float64Array, mag: Float64Array): { excess: number; at: number } {
  let excess = -Infinity, at = -1;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i] - want[i]) - (REL_TOL * mag[i] + ABS_TOL);
    if (!(e <= excess)) {
      excess = e;
      at = i;
    }
  }
  return { excess: Number.isNaN(excess) ? Infinity : excess, at };
}

function filterGradKernel(c: ConvCase, xv: Float32Array, dyv: Float32Array, dyShape: number[]): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor4d(xv, [c.n, c.h, c.w, c.ci]);
    const dy = tf.tensor(dyv, dyShape);
    const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy },
      { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: c.dimRoundingMode, filterShape: [c.kh, c.kw, c.ci, c.co] } as never) as Tensor;
    expect(dw.shape).toEqual([c.kh, c.kw, c.ci, c.co]);
    return Float32Array.from(dw.dataSync());
  });
}

/** Runs one case through the wasm kernel and checks it against float64; returns the case's data for reuse. */
function checkCase(c: ConvCase, seed: number, maxTerms = 160) {
  const info = convInfo(c);
  const { outHeight: ho, outWidth: wo } = info;
  const { top, left } = info.padInfo;
  const rand = createRng(seed);
  const xv = normal(c.n * c.h * c.w * c.ci, rand), dyv = normal(c.n * ho * wo * c.co, rand);
  const got = filterGradKernel(c, xv, dyv, [c.n, ho, wo, c.co]);
  const { sum, mag, terms } = filterGradOracle(c, xv, dyv, ho, wo, top, left);
  expect(terms, `${describeCase(c)}: N = ${terms} within the proven bound`).toBeLessThanOrEqual(maxTerms);
  const { excess, at } = worstExcess(got, sum, mag);
  expect(excess, `${describeCase(c)}: element ${at} got ${got[at]}, want ${sum[at]} (Σ|terms| ${mag[at]})`).toBeLessThanOrEqual(0);
  return { xv, dyv, got, sum, mag, ho, wo, top, left };
}

describe('Conv2DBackpropFilter on wasm (own kernel) against float64', () => {
  const C_IN = [1, 2, 3, 4, 5, 6, 9];
  const C_OUT = [1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 16, 17];

  it('every input × output channel count (all remainders of the 4×8 register tile), two geometries each', () => {
    const before = tf.memory().numTensors;
    let cases = 0;
    for (const ci of C_IN) {
      for (const co of C_OUT) {
        // k 3, stride 1, pad 1 (the padded copy); rows = kw·ci = 3ci covers every remainder mod 4.
        checkCase({ n: 2, h: 6, w: 5, ci, co, kh: 3, kw: 3, strides: 1, pad: 1 }, ci * 100 + co);
        // k 1 or 5 (rows = ci or 5ci), stride 2, 'valid' (direct, from x itself) or 'same' (padded).
        const k = (ci + co) % 2 ? 1 : 5;
        checkCase({ n: 1 + ((ci + co) % 3), h: 7, w: 9, ci, co, kh: k, kw: k, strides: 2, pad: (ci * co) % 2 ? 'valid' : 'same' }, ci * 1000 + co);
        cases += 2;
      }
    }
    expect(cases).toBe(2 * C_IN.length * C_OUT.length);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('geometries: kernels 1, 3, 5 and 3×2; strides 1, 2, [2, 1]; pads 0, 1, 2, same, valid, explicit asymmetric; rounding modes', () => {
    const before = tf.memory().numTensors;
    const kernels: [number, number][] = [[1, 1], [3, 3], [5, 5], [3, 2]];
    const strides: (number | [number, number])[] = [1, 2, [2, 1]];
    const pads: Pad[] = [0, 1, 2, 'same', 'valid', [[0, 0], [1, 2], [0, 1], [0, 0]]];
    let seed = 1, cases = 0;
    for (const [kh, kw] of kernels) {
      for (const s of strides) {
        for (const pad of pads) {
          // Non-square images and channel counts that exercise both vector widths and a partial last vector.
          const c: ConvCase = { n: 1 + (seed % 3), h: 7, w: 6, ci: 1 + (seed % 5), co: [3, 6, 11, 13][seed % 4], kh, kw, strides: s, pad };
          // At most 160 terms per element (the proven tolerance): fewer images where the output is large.
          const { outHeight, outWidth } = convInfo(c);
          c.n = Math.max(1, Math.min(c.n, Math.floor(160 / (outHeight * outWidth))));
          checkCase(c, seed++);
          cases++;
        }
      }
    }
    // Numeric padding with explicit rounding of a fractional output size: with 'ceil' the last window runs past
    // the padded input (those taps read zeros).
    for (const dimRoundingMode of ['floor', 'round', 'ceil'] as const) {
      checkCase({ n: 2, h: 8, w: 7, ci: 3, co: 5, kh: 3, kw: 3, strides: 2, pad: 0, dimRoundingMode }, seed++);
      checkCase({ n: 1, h: 9, w: 6, ci: 2, co: 9, kh: 4, kw: 2, strides: [3, 2], pad: 1, dimRoundingMode }, seed++);
      cases += 2;
    }
    expect(cases).toBe(kernels.length * strides.length * pads.length + 6);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the geometry the oracle takes from computeConv2DInfo is the expected one, and the oracle rejects a one-pixel shift', () => {
    // Explicit asymmetric padding: top 1, bottom 2, left 0, right 1; stride [2, 1]; 3×2 filter.
    const c: ConvCase = { n: 2, h: 7, w: 6, ci: 3, co: 5, kh: 3, kw: 2, strides: [2, 1], pad: [[0, 0], [1, 2], [0, 1], [0, 0]] };
    const info = convInfo(c);
    expect([info.outHeight, info.outWidth, info.padInfo.top, info.padInfo.left]).toEqual([
      Math.floor((7 + 1 + 2 - 3) / 2) + 1, 6 + 0 + 1 - 2 + 1, 1, 0]);
    const r = checkCase(c, 77);
    // The same data against the oracle with the window moved by one row: must be far outside the tolerance,
    // so the comparison above can tell a wrong tap from rounding.
    const shifted = filterGradOracle(c, r.xv, r.dyv, r.ho, r.wo, r.top + 1, r.left);
    expect(worstExcess(r.got, shifted.sum, shifted.mag).excess).toBeGreaterThan(0);
  });

  it('LeNet-5 sized layers (n 16): 28×28×1 → 6, 5×5 pad 2 and 14×14×6 → 16, 5×5 valid', () => {
    const before = tf.memory().numTensors;
    // N = 16·28·28 = 12544 and 16·10·10 = 1600 terms per element: see the tolerance note above.
    checkCase({ n: 16, h: 28, w: 28, ci: 1, co: 6, kh: 5, kw: 5, strides: 1, pad: 2 }, 501, Infinity);
    checkCase({ n: 16, h: 14, w: 14, ci: 6, co: 16, kh: 5, kw: 5, strides: 1, pad: 0 }, 502, Infinity);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('tfjs autodiff of tf.conv2d on wasm takes the kernel and matches float64', () => {
    const before = tf.memory().numTensors;
    const cases: ConvCase[] = [
      { n: 2, h: 8, w: 7, ci: 3, co: 6, kh: 3, kw: 3, strides: 1, pad: 'same' },
      { n: 3, h: 9, w: 6, ci: 5, co: 13, kh: 3, kw: 2, strides: [2, 1], pad: 'valid' },
      { n: 1, h: 10, w: 10, ci: 2, co: 9, kh: 5, kw: 5, strides: 2, pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
    ];
    for (const [ci, c] of cases.entries()) {
      const info = convInfo(c);
      const rand = createRng(900 + ci);
      const xv = normal(c.n * c.h * c.w * c.ci, rand), rv = normal(c.n * info.outHeight * info.outWidth * c.co, rand);
      const wv = normal(c.kh * c.kw * c.ci * c.co, rand);
      const { result: got, counts } = countKernelsSync(() => tf.tidy(() => {
        const x = tf.tensor4d(xv, [c.n, c.h, c.w, c.ci]);
        const r = tf.tensor4d(rv, [c.n, info.outHeight, info.outWidth, c.co]);
        const dw = tf.grad((w: Tensor) => tf.sum(tf.mul(tf.conv2d(x, w as Tensor4D, c.strides, c.pad as never), r)))(tf.tensor4d(wv, [c.kh, c.kw, c.ci, c.co]));
        return Float32Array.from(dw.dataSync());
      }));
      expect(counts.get('Conv2DBackpropFilter'), describeCase(c)).toBe(1);
      // d/dW Σ r·conv(x, W) = Σ x·r: the filter gradient with dy = r.
      const { sum, mag } = filterGradOracle(c, xv, rv, info.outHeight, info.outWidth, info.padInfo.top, info.padInfo.left);
      const { excess, at } = worstExcess(got, sum, mag);
      expect(excess, `${describeCase(c)}: element ${at}`).toBeLessThanOrEqual(0);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('agrees with the cpu backend\'s own Conv2DBackpropFilter (both within the float64 bound, and with each other)', async () => {
    const cases: ConvCase[] = [
      { n: 2, h: 7, w: 6, ci: 3, co: 7, kh: 3, kw: 3, strides: 1, pad: 1 },
      { n: 3, h: 9, w: 8, ci: 5, co: 16, kh: 5, kw: 5, strides: 2, pad: 'same' },
      { n: 1, h: 8, w: 7, ci: 9, co: 17, kh: 3, kw: 2, strides: [2, 1], pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
      { n: 2, h: 6, w: 9, ci: 4, co: 1, kh: 1, kw: 1, strides: 2, pad: 'valid' },
    ];
    const runs = cases.map((c, i) => checkCase(c, 300 + i));
    try {
      await useNodeBackend('cpu');
      for (const [i, c] of cases.entries()) {
        const r = runs[i];
        const cpu = filterGradKernel(c, r.xv, r.dyv, [c.n, r.ho, r.wo, c.co]);
        expect(worstExcess(cpu, r.sum, r.mag).excess, `cpu, ${describeCase(c)}`).toBeLessThanOrEqual(0);
        // Two float32 results each within REL_TOL·Σ|terms| of the exact sum: within twice that of each other.
        for (let k = 0; k < cpu.length; k++) {
          expect(Math.abs(cpu[k] - r.got[k]), `${describeCase(c)} element ${k}`).toBeLessThanOrEqual(2 * REL_TOL * r.mag[k] + ABS_TOL);
        }
      }
    } finally {
      await useNodeBackend('wasm');
    }
  });

  it('rejects a dy of the wrong shape and NCHW, with clear errors and no tensors left', () => {
    const before = tf.memory().numTensors;
    const x = tf.zeros([2, 6, 5, 3]), dyOk = tf.zeros([2, 6, 5, 4]), dyBad = tf.zeros([2, 5, 5, 4]), dyBadC = tf.zeros([2, 6, 5, 3]);
    const attrs = { strides: 1, pad: 1, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: [3, 3, 3, 4] };
    const runK = (dy: Tensor, extra: object = {}) => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, ...extra } as never) as Tensor;
    tf.dispose(runK(dyOk)); // the baseline call is fine
    expect(() => runK(dyBad)).toThrow(/dy has shape \[2,5,5,4\], expected \[2,6,5,4\]/);
    expect(() => runK(dyBadC)).toThrow(/dy has shape \[2,6,5,3\], expected \[2,6,5,4\]/);
    expect(() => runK(dyOk, { dataFormat: 'NCHW' })).toThrow(/NHWC only/);
    tf.dispose([x, dyOk, dyBad, dyBadC]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
