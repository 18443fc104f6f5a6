// Cost per training step of the second-order optimizers against Adam, on one real MNIST batch of 128,
// through the same step as the trainer (src/engine/step.ts, Network.hvp for ESGD-M's H·v, the closure for
// L-BFGS). Interleaved rounds in one process; prints ms per step (median over rounds), gradient
// evaluations per step and the ratio to Adam; asserts nothing.
//   npx tsx bench/second-order-cost.ts [--backend wasm|cpu] [--rounds 3] [--steps 60] [--models logreg,mlp,lenet5]
// 60 steps cover ESGD-M's d_warmup (an H·v on each of steps 1–20) and four of its later Hessian steps
// (every 10th): 24 H·v in 60 steps. After the warm-up it is one H·v per 10 steps; both are printed.
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { loadMnistFromPackage } from '../src/cli/mnistNode';
import { toDeviceBatch } from '../src/engine/inputs';
import { useNodeBackend } from '../src/engine/nodeBackends';
import { seededProbeValues } from '../src/engine/probes';
import { trainStep, type CurvatureSource } from '../src/engine/step';
import type { ModelName } from '../src/engine/types';
import { buildNetwork } from '../src/models/build';
import { crossEntropy } from '../src/models/mlp';
import { disposeReplaced } from '../src/optim/dispose';
import type { Hyper } from '../src/optim/hyper';
import { buildOptimizer, hyperFor } from '../src/optim/registry';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)];

const VARIANTS: [string, string, Partial<Hyper>][] = [
  ['Adam', 'Adam', {}],
  ['ESGD-M', 'ESGD-M', {}],
  // History 10, not torch's 100: 100 pairs of the MLP's 1.8 M parameters need 1.4 GiB, refused (src/optim/lbfgs.ts).
  ['L-BFGS (max_iter 20, history 10)', 'L-BFGS', { historySize: 10 }],
  ['L-BFGS (max_iter 4, strong-Wolfe)', 'L-BFGS', { maxIter: 4, historySize: 10, strongWolfe: true }],
];

async function main(): Promise<void> {
  const backend = flag('backend', 'wasm') as 'wasm' | 'cpu';
  const rounds = Number(flag('rounds', '3'));
  const steps = Number(flag('steps', '60'));
  const models = flag('models', 'logreg,mlp,lenet5').split(',') as ModelName[];
  await useNodeBackend(backend);
  const data = loadMnistFromPackage();
  const order = Uint32Array.from({ length: 128 }, (_, i) => i);
  const xs = new Uint8Array(128 * data.imageSize);
  for (let i = 0; i < 128; i++) xs.set(data.trainImages.subarray(order[i] * data.imageSize, (order[i] + 1) * data.imageSize), i * data.imageSize);
  const ys = data.trainLabels.slice(0, 128);
  console.log(`${backend}, one MNIST batch of 128, ${steps} steps per run, ${rounds} rounds after a warm-up round (median)`);
  for (const model of models) {
    const before = tf.memory().numTensors;
    const net = buildNetwork(model, data.shape, data.numClasses);
    const { x, y } = toDeviceBatch(data, xs, ys);
    const times = new Map<string, number[]>(VARIANTS.map(([n]) => [n, []]));
    const evals = new Map<string, number>();
    for (let r = 0; r <= rounds; r++) {
      for (const [label, name, set] of VARIANTS) {
        const init = net.init(1);
        let params: Tensor[] = init.params;
        const opt = buildOptimizer(name);
        let state = opt.init(params, hyperFor(name, { alpha0: name === 'Adam' ? 1e-3 : 0.1, ...set }));
        const mode = { training: true, seed: 1 } as const;
        const curvature: CurvatureSource = {
          hvp: (ps, v) => net.hvp(ps, init.buffers, x, y, data.numClasses, mode, v),
          probes: (t) => seededProbeValues(1, t, params.map((p) => p.size)).map((v, i) => tf.tensor(v, params[i].shape)),
        };
        let n = 0;
        const t0 = performance.now();
        for (let t = 1; t <= steps; t++) {
          const s = await trainStep(opt, params, state, (ps) => crossEntropy(net.forward(ps, init.buffers, x, mode).logits, y, data.numClasses) as Scalar, curvature);
          params = s.params;
          state = s.state;
          n += s.gradEvals;
          s.loss.dispose();
        }
        await params[0].data(); // wait for the device
        const ms = (performance.now() - t0) / steps;
        disposeReplaced([params, state, init.buffers], []);
        evals.set(label, n / steps);
        if (r > 0) times.get(label)!.push(ms);
      }
    }
    tf.dispose([x, y]);
    const adam = median(times.get('Adam')!);
    console.log(`\n${model}`);
    console.log('optimizer'.padEnd(40), 'ms/step'.padStart(9), 'grad evals/step'.padStart(16), '× Adam'.padStart(8));
    for (const [label] of VARIANTS) {
      const ms = median(times.get(label)!);
      console.log(label.padEnd(40), ms.toFixed(1).padStart(9), evals.get(label)!.toFixed(2).padStart(16), (ms / adam).toFixed(2).padStart(8));
    }
    console.log(`tensors before ${before}, after ${tf.memory().numTensors}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
