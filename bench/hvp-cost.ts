// Cost of one exact Hessian-vector product (Network.hvp, forward-over-reverse R-ops in src/models/rop/)
// against one gradient evaluation (tf.valueAndGrads of the training loss, as src/engine/step.ts does),
// for LogReg, the reference MLP (784-1000-1000-10) and LeNet-5 on MNIST shapes at batch 128, random
// inputs. Interleaved rounds (gradient, H·v, gradient, ...) after warm-up; medians. Each timing ends
// with a read-back, so it covers the work. Asserts only that no tensor leaks.
//   npx tsx bench/hvp-cost.ts [--backend wasm|cpu] [--rounds 15]
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor, Tensor1D, Tensor4D } from '@tensorflow/tfjs';
import { createRng } from '../src/data/batching';
import { useNodeBackend } from '../src/engine/nodeBackends';
import type { ModelName } from '../src/engine/types';
import { buildNetwork } from '../src/models/build';
import { crossEntropy } from '../src/models/mlp';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const SHAPE: [number, number, number] = [28, 28, 1];
const BATCH = 128;
const WARM = 2;

function randomTensor(shape: number[], r: () => number, dtype: 'float32' | 'int32' = 'float32'): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return dtype === 'int32'
    ? tf.tensor(Int32Array.from({ length: n }, () => Math.floor(10 * r())), shape, 'int32')
    : tf.tensor(Float32Array.from({ length: n }, () => 2 * r() - 1), shape);
}

interface Row { model: string; gradMs: number; hvpMs: number; before: number; after: number }

function bench(name: ModelName, rounds: number): Row {
  const net = buildNetwork(name, SHAPE, 10);
  const { params, buffers } = net.init(1);
  const r = createRng(2);
  const x = randomTensor([BATCH, ...SHAPE], r) as Tensor4D;
  const y = randomTensor([BATCH], r, 'int32') as Tensor1D;
  const v = params.map((p) => randomTensor(p.shape, r));
  const before = tf.memory().numTensors;
  const grad: number[] = [], hvp: number[] = [];
  for (let t = 0; t < WARM + rounds; t++) {
    const mode = { training: true as const, seed: t };
    let t0 = performance.now();
    let next: Tensor[] = [];
    const { value, grads } = tf.valueAndGrads((...ps: Tensor[]) => {
      const res = net.forward(ps, buffers, x, mode);
      next = res.buffers ?? [];
      return crossEntropy(res.logits, y, 10) as Scalar;
    })(params);
    grads[grads.length - 1].dataSync();
    value.dataSync();
    const tg = performance.now() - t0;
    tf.dispose([value, ...grads, ...next]);

    t0 = performance.now();
    const hv = net.hvp(params, buffers, x, y, 10, mode, v);
    hv[hv.length - 1].dataSync();
    const th = performance.now() - t0;
    tf.dispose(hv);
    if (t >= WARM) {
      grad.push(tg);
      hvp.push(th);
    }
  }
  const after = tf.memory().numTensors;
  tf.dispose([...params, ...buffers, ...v, x, y]);
  return { model: name, gradMs: median(grad), hvpMs: median(hvp), before, after };
}

async function main(): Promise<void> {
  const backend = flag('backend', 'wasm') as 'wasm' | 'cpu';
  const rounds = Number(flag('rounds', '15'));
  await useNodeBackend(backend);
  const rows = (['logreg', 'mlp', 'lenet5'] as ModelName[]).map((m) => bench(m, rounds));
  console.log(`\n${backend}, MNIST shapes, batch ${BATCH}, ${rounds} interleaved rounds after ${WARM} warm-up (median ms)`);
  console.log('model    gradient ms   H·v ms   HVP = X gradient evaluations   tensors before/after');
  for (const r of rows) {
    console.log(`${r.model.padEnd(8)} ${r.gradMs.toFixed(2).padStart(11)} ${r.hvpMs.toFixed(2).padStart(8)}   HVP = ${(r.hvpMs / r.gradMs).toFixed(2)} gradient evaluations   ${r.before}/${r.after}`);
    if (r.after !== r.before) throw new Error(`${r.model}: ${r.after - r.before} tensors leaked`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
