// The loops of `npm run bench` (src/cli/bench.ts, which checks the command line first): the engine's time
// per step against a minimal hand-written tfjs loop for the same model, backend and data, in the same
// process. Prints numbers and ratios; asserts nothing.
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor2D, Variable } from '@tensorflow/tfjs';
import { createRng, epochPermutation, gatherBatch } from '../data/batching';
import { useNodeBackend } from '../engine/nodeBackends';
import type { NodeBackendName } from '../engine/nodeBackendNames';
import { toDeviceBatch } from '../engine/inputs';
import { train } from '../engine/trainer';
import type { DatasetBuffers, ModelName, TrainConfig } from '../engine/types';
import { mlpLayers } from '../models/catalog';
import { crossEntropy, forward, initTorchLayout, toTensors } from '../models/mlp';
import { loadMnistFromPackage } from './mnistNode';

/** Timed iterations per model (after WARMUP): the models bench can time. */
export const ITERS: Partial<Record<ModelName, number>> = { logreg: 300, ffnn100: 300, mlp: 40 };
const WARMUP = 5;

export interface BenchOptions {
  backend: NodeBackendName;
  models: ModelName[];
  rounds: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/**
 * What a person would write: variables, autodiff, SGD by assign, no per-step read-back (the loss is read
 * once at the end). 'plain' uses tf.matMul layers (autodiff's transposed-flag gradient); 'project' uses
 * this project's forward pass (src/models/mlp.ts), so the difference to the engine is the engine itself.
 */
async function minimalLoop(data: DatasetBuffers, model: ModelName, iters: number, layers: 'plain' | 'project'): Promise<number> {
  const sizes = mlpLayers(model, data.shape, data.numClasses);
  const init = toTensors(sizes, initTorchLayout(sizes, createRng(1)));
  const vars: Variable[] = init.map((t) => tf.variable(t));
  tf.dispose(init);
  const perm = epochPermutation(data.trainLabels.length, 1, 1);
  const lr = tf.scalar(1e-3);
  const plainForward = (x: Tensor2D): Tensor2D => {
    let h: Tensor2D = x;
    for (let l = 0; l < vars.length / 2; l++) {
      const z = tf.add(tf.matMul(h, vars[2 * l] as Tensor2D), vars[2 * l + 1]) as Tensor2D;
      h = l < vars.length / 2 - 1 ? tf.relu(z) : z;
    }
    return h;
  };
  let start = 0;
  let last: Tensor | null = null;
  for (let t = 0; t < WARMUP + iters; t++) {
    if (t === WARMUP) {
      await last?.data();
      start = performance.now();
    }
    const b = gatherBatch(data.trainImages, data.trainLabels, 784, perm, t * 128, (t + 1) * 128);
    const { x: x4, y } = toDeviceBatch(data, b.x, b.y);
    const x = tf.reshape(x4, [b.y.length, -1]) as Tensor2D;
    x4.dispose();
    const value = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => crossEntropy(layers === 'plain' ? plainForward(x) : forward(vars, x), y, 10));
      for (const v of vars) v.assign(tf.sub(v, tf.mul(grads[v.name], lr)));
      return value;
    });
    last?.dispose();
    last = value;
    tf.dispose([x, y]);
  }
  await last?.data();
  const ms = (performance.now() - start) / iters;
  tf.dispose([...vars, lr, last!]);
  return ms;
}

// Weight decay 0: the minimal loop has none, so both do the same math.
async function engineLoop(data: DatasetBuffers, model: ModelName, optimizer: string, iters: number): Promise<number> {
  const cfg: TrainConfig = { dataset: 'mnist', model, optimizer, alpha0: 1e-3, beta: optimizer.startsWith('Adam') ? 1e-7 : 1e-3, momentum: 0.9,
    weightDecay: 0, batchSize: 128, epochs: 1, iterations: WARMUP + iters, seed: 1, evalEvery: 1e9 };
  const times: number[] = [];
  // Evaluation only at iteration 0 and at the end, outside the timed window (step times come from the stream).
  await train({ runId: 'bench', config: cfg }, data, { metrics: (b) => times.push(...b.train.time), status: () => {} }, { checkpoint: async () => 'go' });
  return ((times[times.length - 1] - times[WARMUP - 1]) * 1000) / iters;
}

export async function runBench(o: BenchOptions): Promise<void> {
  const ROUNDS = o.rounds;
  const backend = await useNodeBackend(o.backend);
  const data = loadMnistFromPackage();
  console.log(`backend ${backend}, batch 128, real MNIST; ms per step, median of ${ROUNDS} interleaved rounds (lower is better)`);
  console.log('model    | minimal(plain matMul) | minimal(project layers) | engine SGD | engine SGD-HD | engine Adam | engine Adam-HD | SGD/minimal(project) | SGD-HD/SGD | Adam-HD/Adam');
  for (const model of o.models) {
    const n = ITERS[model]!;
    const before = tf.memory().numTensors;
    // Interleaved rounds, median of each: machine noise hits all variants alike.
    const rounds: number[][] = [];
    for (let r = 0; r < ROUNDS; r++) {
      rounds.push([
        await minimalLoop(data, model, n, 'plain'),
        await minimalLoop(data, model, n, 'project'),
        await engineLoop(data, model, 'SGD', n),
        await engineLoop(data, model, 'SGD-HD', n),
        await engineLoop(data, model, 'Adam', n),
        await engineLoop(data, model, 'Adam-HD', n),
      ]);
    }
    const [plain, mdense, sgd, sgdHd, adam, adamHd] = rounds[0].map((_, k) => median(rounds.map((r) => r[k])));
    const f = (x: number) => x.toFixed(2).padStart(8);
    console.log(`${model.padEnd(8)} | ${f(plain)} | ${f(mdense)} | ${f(sgd)} | ${f(sgdHd)} | ${f(adam)} | ${f(adamHd)} | ${f(sgd / mdense)} | ${f(sgdHd / sgd)} | ${f(adamHd / adam)}`);
    console.log(`  tensors before ${before}, after ${tf.memory().numTensors} (a difference is a leak)`);
  }
}

