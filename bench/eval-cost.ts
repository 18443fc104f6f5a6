// Cost of the page's dense validation (src/engine/budget.ts evalPlan): the same run trained with the
// default evaluation of the command line (before training and at the end only, for a budget under one
// epoch) and with the page's ~25 points (subset in between, full test set at the end), on real MNIST,
// in interleaved rounds in one process. Prints steps/s of each and the ratio; asserts nothing.
//   npx tsx bench/eval-cost.ts [--backend wasm|cpu] [--rounds 3] [--iterations 300] [--model ffnn100]
import * as tf from '@tensorflow/tfjs';
import { loadMnistFromPackage } from '../src/cli/mnistNode';
import { describeEvalPlan, evalPlan } from '../src/engine/budget';
import { useNodeBackend } from '../src/engine/nodeBackends';
import { train } from '../src/engine/trainer';
import type { ModelName, TrainConfig } from '../src/engine/types';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)];

async function main(): Promise<void> {
  const backend = flag('backend', 'wasm') as 'wasm' | 'cpu';
  const rounds = Number(flag('rounds', '3'));
  const iterations = Number(flag('iterations', '300'));
  const model = flag('model', 'ffnn100') as ModelName;
  await useNodeBackend(backend);
  const data = loadMnistFromPackage();
  const base: TrainConfig = {
    dataset: 'mnist', model, optimizer: 'SGD-HD', alpha0: 0.001, beta: 0.001, momentum: 0.9, weightDecay: 0,
    batchSize: 128, epochs: 1, iterations, seed: 1, evalEvery: null,
  };
  const variants: [string, TrainConfig][] = [
    ['ends only', base],
    ['dense (page)', { ...base, evalPoints: 25 }],
  ];
  for (const [name, cfg] of variants) console.log(`${name}: ${describeEvalPlan(evalPlan(cfg, data.trainLabels.length, data.testLabels.length), data.testLabels.length)}`);
  const times = new Map<string, number[]>(variants.map(([n]) => [n, []]));
  const evals = new Map<string, number>();
  const before = tf.memory().numTensors;
  for (let r = 0; r <= rounds; r++) {
    for (const [name, cfg] of variants) {
      let n = 0;
      const t0 = performance.now();
      await train({ runId: name, config: cfg }, data, { metrics: (b) => (n += b.evals.length), status: () => undefined }, { checkpoint: async () => 'go' });
      const s = (performance.now() - t0) / 1000;
      evals.set(name, n);
      if (r > 0) times.get(name)!.push(s); // round 0 warms up
    }
  }
  const base_s = median(times.get('ends only')!);
  console.log(`\n${backend}, ${model}, ${iterations} iterations at batch 128, ${rounds} rounds (median, whole run incl. evaluations)`);
  for (const [name] of variants) {
    const s = median(times.get(name)!);
    console.log(`${name.padEnd(14)} ${evals.get(name)} evaluations  ${s.toFixed(2)} s  ${(iterations / s).toFixed(1)} steps/s  ${(s / base_s).toFixed(3)}× time`);
  }
  console.log(`tensors before ${before}, after ${tf.memory().numTensors}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
