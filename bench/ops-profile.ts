// Which tfjs kernels one training step dispatches, how many, and how long each takes (issue 14's
// per-op overhead). A benchmark, not a test: prints a table per workload; asserts nothing.
//   npx tsx bench/ops-profile.ts [--model ffnn100] [--batch 100] [--optimizer Adam] [--steps 200] [--backend wasm] [--width 0.125] [--no-own-kernels]
// (vgg16bn and resnet18 train on 32×32×3 images, the rest on 28×28×1.)
// Counts every engine.runKernel call (every tfjs op goes through it; gradients too) during `steps` engine
// steps after a warm-up, with the wall time spent inside each call. On wasm and cpu a kernel runs
// synchronously inside runKernel, so that time is its compute plus tfjs's dispatch overhead; what is left
// of the step (the difference to the step's wall time) is JavaScript around the kernels: tape bookkeeping,
// tensor creation and disposal, the trainer's reads.
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { useNodeBackend } from '../src/engine/nodeBackends';
import { isNodeBackendName } from '../src/engine/nodeBackendNames';
import { train } from '../src/engine/trainer';
import { createRng } from '../src/data/batching';
import type { DatasetBuffers, ModelName, TrainConfig } from '../src/engine/types';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'ffnn100' },
    batch: { type: 'string', default: '100' },
    optimizer: { type: 'string', default: 'Adam' },
    steps: { type: 'string', default: '200' },
    backend: { type: 'string', default: 'wasm' },
    width: { type: 'string', default: '0.125' },
    'no-own-kernels': { type: 'boolean' },
  },
});
const backendName = values.backend!;
if (!isNodeBackendName(backendName)) throw new Error(`--backend ${backendName}: not a Node backend`);
await useNodeBackend(backendName);
const { setOwnKernels, ownKernelsStatus } = await import('../src/kernels/ownKernels');
if (values['no-own-kernels']) setOwnKernels(false);

const batch = Number(values.batch), steps = Number(values.steps), warmup = 5;
const r = createRng(7);
const bytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(256 * r()));
const labels = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(10 * r()));
const cifar = values.model === 'vgg16bn' || values.model === 'resnet18';
const size = cifar ? 3072 : 784;
const data: DatasetBuffers = { name: cifar ? 'cifar10' : 'mnist', trainImages: bytes(8 * batch * size), trainLabels: labels(8 * batch), testImages: bytes(batch * size),
  testLabels: labels(batch), shape: cifar ? [32, 32, 3] : [28, 28, 1], imageSize: size, numClasses: 10,
  mean: cifar ? [0.4914, 0.4822, 0.4465] : [0.1307], std: cifar ? [0.247, 0.2435, 0.2616] : [0.3081] };

interface Tally { count: number; ms: number }
const tally = new Map<string, Tally>();
let counting = false;
const engine = tf.engine() as unknown as { runKernel: (name: string, ...rest: unknown[]) => unknown };
const runKernel = engine.runKernel.bind(engine);
engine.runKernel = (name: string, ...rest: unknown[]) => {
  if (!counting) return runKernel(name, ...rest);
  const t0 = performance.now();
  const out = runKernel(name, ...rest);
  const t = tally.get(name) ?? { count: 0, ms: 0 };
  t.count++;
  t.ms += performance.now() - t0;
  tally.set(name, t);
  return out;
};

const cfg: TrainConfig = { dataset: cifar ? 'cifar10' : 'mnist', model: values.model as ModelName, optimizer: values.optimizer!, alpha0: 1e-3, beta: 1e-7, momentum: 0.9,
  weightDecay: 0, batchSize: batch, epochs: 1, iterations: warmup + steps, seed: 1, evalEvery: 1e9, width: cifar ? Number(values.width) : 1 };
const times: number[] = [];
let countedFrom = 0;
await train({ runId: 'ops-profile', config: cfg }, data, {
  metrics: (b) => {
    times.push(...b.train.time);
    // Count from the step after the warm-up on; the metrics arrive in chunks, so this is approximate by
    // at most one chunk: the per-step numbers divide by the steps actually counted.
    if (!counting && times.length >= warmup) {
      counting = true;
      countedFrom = times.length;
    }
  },
  status: () => {},
}, { checkpoint: async () => 'go' });
counting = false;
const counted = times.length - countedFrom;
const stepMs = ((times[times.length - 1] - times[countedFrom - 1]) * 1000) / counted;
const rows = [...tally.entries()].sort((a, b) => b[1].ms - a[1].ms);
const kernels = rows.reduce((n, [, t]) => n + t.count, 0) / counted;
const inside = rows.reduce((n, [, t]) => n + t.ms, 0) / counted;
console.log(`${cfg.model} batch ${batch} ${cfg.optimizer} on ${tf.getBackend()} (own kernels ${ownKernelsStatus()}): ${stepMs.toFixed(3)} ms per step over ${counted} steps; ` +
  `${kernels.toFixed(1)} kernels per step, ${inside.toFixed(3)} ms inside them (${((1000 * inside) / kernels).toFixed(1)} µs per kernel), ` +
  `${(stepMs - inside).toFixed(3)} ms outside`);
console.log('kernel | per step | µs per call | ms per step');
for (const [name, t] of rows) console.log(`${name} | ${(t.count / counted).toFixed(1)} | ${((1000 * t.ms) / t.count).toFixed(1)} | ${(t.ms / counted).toFixed(3)}`);
