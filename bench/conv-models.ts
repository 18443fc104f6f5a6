// Training-step cost of the conv models on the wasm backend (the CLI's), and the conv2d-based filter
// gradient against the native Conv2DBackpropFilter kernel on cpu.
//   npx tsx bench/conv-models.ts [--quick]
// A step is loss + gradients (tf.valueAndGrads, training mode) + a plain SGD update with tf ops; the
// loss is read back every step so the timing covers the work. Median of the timed steps after warm-up.
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor, Tensor1D, Tensor4D } from '@tensorflow/tfjs';
import { createRng } from '../src/data/batching';
import { useNodeBackend } from '../src/engine/nodeBackends';
import type { ModelName } from '../src/engine/types';
import { buildNetwork } from '../src/models/build';
import { forwardMacs } from '../src/models/catalog';
import { convGradImpl, filterGrad } from '../src/models/conv';
import { crossEntropy } from '../src/models/mlp';

const quick = process.argv.includes('--quick');

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function randomBatch(n: number, shape: readonly [number, number, number], seed: number): { x: Tensor4D; y: Tensor1D } {
  const r = createRng(seed);
  const x = tf.tensor4d(Float32Array.from({ length: n * shape[0] * shape[1] * shape[2] }, () => 2 * r() - 1), [n, ...shape]);
  const y = tf.tensor1d(Int32Array.from({ length: n }, () => Math.floor(10 * r())), 'int32');
  return { x, y };
}

function benchStep(name: ModelName, shape: readonly [number, number, number], width: number, batch: number, warm: number, timed: number): number {
  const net = buildNetwork(name, shape, 10, width);
  let { params, buffers } = net.init(1);
  const { x, y } = randomBatch(batch, shape, 2);
  const before = tf.memory().numTensors;
  const times: number[] = [];
  for (let t = 0; t < warm + timed; t++) {
    const t0 = performance.now();
    let next: Tensor[] = [];
    const { value, grads } = tf.valueAndGrads((...ps: Tensor[]) => {
      const res = net.forward(ps, buffers, x, { training: true, seed: t });
      next = res.buffers!;
      return crossEntropy(res.logits, y, 10) as Scalar;
    })(params);
    const updated = params.map((p, i) => tf.tidy(() => tf.sub(p, tf.mul(grads[i], 0.01))));
    const loss = value.dataSync()[0];
    tf.dispose([params, grads, buffers, value]);
    params = updated;
    buffers = next;
    if (t >= warm) times.push(performance.now() - t0);
    if (!Number.isFinite(loss)) throw new Error(`${name}: loss ${loss} at step ${t}`);
  }
  if (tf.memory().numTensors !== before) throw new Error(`${name}: ${tf.memory().numTensors - before} tensors leaked per run`);
  tf.dispose([params, buffers, x, y]);
  return median(times);
}

function benchFilterGrad(n: number, hw: number, cIn: number, cOut: number, reps: number): { native: number | null; conv: number; err: number | null } {
  const r = createRng(3);
  const x = tf.tensor4d(Float32Array.from({ length: n * hw * hw * cIn }, () => 2 * r() - 1), [n, hw, hw, cIn]);
  const dy = tf.tensor4d(Float32Array.from({ length: n * hw * hw * cOut }, () => 2 * r() - 1), [n, hw, hw, cOut]);
  const time = (impl: 'native' | 'conv') => {
    const ts: number[] = [];
    let out: Float32Array = new Float32Array();
    for (let i = 0; i < reps + 1; i++) {
      const t0 = performance.now();
      const g = filterGrad(x, dy, 3, 1, impl);
      out = g.dataSync() as Float32Array;
      g.dispose();
      if (i > 0) ts.push(performance.now() - t0);
    }
    return { ms: median(ts), out };
  };
  const conv = time('conv');
  const hasNative = !!tf.getKernel('Conv2DBackpropFilter', tf.getBackend());
  const native = hasNative ? time('native') : null;
  let err: number | null = null;
  if (native) {
    let d = 0, m = 0;
    for (let i = 0; i < native.out.length; i++) {
      d = Math.max(d, Math.abs(conv.out[i] - native.out[i]));
      m = Math.max(m, Math.abs(native.out[i]));
    }
    err = d / m;
  }
  tf.dispose([x, dy]);
  return { native: native?.ms ?? null, conv: conv.ms, err };
}

async function main(): Promise<void> {
  await useNodeBackend('wasm');
  console.log(`wasm backend (SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT')}, threads ${tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')}); conv gradients: ${convGradImpl()}`);
  const runs: [string, ModelName, readonly [number, number, number], number, number][] = [
    ['LeNet-5, 28×28×1', 'lenet5', [28, 28, 1], 1, 128],
    ['LeNet-5, 28×28×1', 'lenet5', [28, 28, 1], 1, 32],
    ['VGG-16-BN ×0.125, 32×32×3', 'vgg16bn', [32, 32, 3], 0.125, 128],
    ['VGG-16-BN ×0.125, 32×32×3', 'vgg16bn', [32, 32, 3], 0.125, 32],
    ['VGG-16-BN ×0.25, 32×32×3', 'vgg16bn', [32, 32, 3], 0.25, 128],
    ['VGG-16-BN ×0.25, 32×32×3', 'vgg16bn', [32, 32, 3], 0.25, 32],
  ];
  if (!quick) runs.push(['VGG-16-BN ×0.5, 32×32×3', 'vgg16bn', [32, 32, 3], 0.5, 32]);
  console.log('model                        batch   ms/step   GMAC/s (3 × forward MACs)');
  for (const [label, name, shape, width, batch] of runs) {
    const big = forwardMacs(name, shape, 10, width) * batch > 2e9;
    const ms = benchStep(name, shape, width, batch, 2, quick ? 3 : big ? 5 : 10);
    const gmacs = (3 * forwardMacs(name, shape, 10, width) * batch) / (ms / 1000) / 1e9;
    console.log(`${label.padEnd(28)} ${String(batch).padStart(5)} ${ms.toFixed(1).padStart(9)} ${gmacs.toFixed(2).padStart(8)}`);
  }

  // One VGG layer: the second conv of width 0.25 (16 → 16 channels, 32×32), batch 8 (the cpu kernel is slow).
  const layer = { n: 8, hw: 32, cIn: 16, cOut: 16 };
  const wasm = benchFilterGrad(layer.n, layer.hw, layer.cIn, layer.cOut, quick ? 2 : 5);
  await useNodeBackend('cpu');
  const cpu = benchFilterGrad(layer.n, layer.hw, layer.cIn, layer.cOut, quick ? 1 : 2);
  console.log(`\nfilter gradient, 3×3 conv ${layer.cIn}→${layer.cOut} on ${layer.hw}×${layer.hw}, batch ${layer.n}:`);
  console.log(`  cpu  native Conv2DBackpropFilter ${cpu.native!.toFixed(1)} ms, conv2d-based ${cpu.conv.toFixed(1)} ms, ratio conv/native ${(cpu.conv / cpu.native!).toFixed(2)}, max rel diff ${cpu.err!.toExponential(1)}`);
  console.log(`  wasm (no native kernel)          conv2d-based ${wasm.conv.toFixed(1)} ms`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
