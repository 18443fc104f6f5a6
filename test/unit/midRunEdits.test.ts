// Mid-run edits: new hyperparameters take effect from the next iteration, the α₀ of a hypergradient
// run resets its α, and each edit is reported as an event. On the cpu backend with a toy dataset.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useNodeBackend } from '../../src/engine/nodeBackends';
import { train } from '../../src/engine/trainer';
import type { DatasetBuffers, MetricBatch, RunEvent, TrainConfig } from '../../src/engine/types';
import type { Hyper } from '../../src/optim/hyper';
import { RunControl } from '../../src/worker/control';

beforeAll(async () => {
  await useNodeBackend('cpu');
});

function toy(n: number): DatasetBuffers {
  const images = Uint8Array.from({ length: n * 784 }, (_, i) => ((i * 37) % 251) & 255);
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
  return { name: 'mnist', trainImages: images, trainLabels: labels, testImages: images, testLabels: labels, shape: [28, 28, 1], imageSize: 784, numClasses: 10, mean: [0.1307], std: [0.3081] };
}

const base: TrainConfig = {
  dataset: 'mnist', model: 'logreg', optimizer: 'SGD', alpha0: 0.05, beta: 0, momentum: 0.9, weightDecay: 0,
  batchSize: 8, epochs: 1, iterations: 8, seed: 1, evalEvery: null,
};

/** Runs with `edit` queued when the trainer asks for edits before iteration `at` (1-based). */
async function runWithEdit(config: TrainConfig, at: number, edit: Partial<Hyper>) {
  const control = new RunControl();
  let asked = 0;
  const take = control.takeEdits.bind(control);
  control.takeEdits = () => {
    if (++asked === at) control.edit(edit);
    return take();
  };
  const batches: MetricBatch[] = [];
  await train({ runId: 'e', config }, toy(64), { metrics: (b) => batches.push(b), status: () => undefined }, control, { flushMs: 0 });
  return { lr: batches.flatMap((b) => b.train.lr), events: batches.flatMap((b) => b.events ?? []) as RunEvent[] };
}

describe('mid-run edits', () => {
  it('SGD: a new α₀ is the learning rate from the next iteration on; the event names that iteration', async () => {
    const r = await runWithEdit(base, 4, { alpha0: 0.01 });
    // A fixed-rate optimizer's α after step t is α₀ (float32 on the device).
    expect(r.lr).toEqual([...Array(3).fill(Math.fround(0.05)), ...Array(5).fill(Math.fround(0.01))]);
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({ iteration: 4, changes: { alpha0: 0.01 } });
  });

  it('SGD-HD: β = 0 keeps α at α₀ until β is raised; then α moves', async () => {
    const r = await runWithEdit({ ...base, optimizer: 'SGD-HD' }, 5, { beta: 1e-2 });
    // With β = 0 the hypergradient step is 0: α stays exactly α₀ for iterations 1–4.
    expect(r.lr.slice(0, 4)).toEqual(Array(4).fill(Math.fround(0.05)));
    expect(r.lr.slice(5).some((a) => a !== Math.fround(0.05))).toBe(true);
    expect(r.events.map((e) => e.iteration)).toEqual([5]);
  });

  it('SGD-HD: a new α₀ resets α to it (then β moves it on); no tensor leaks', async () => {
    const before = tf.memory().numTensors;
    const r = await runWithEdit({ ...base, optimizer: 'SGD-HD' }, 3, { alpha0: 0.2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.lr.slice(0, 2)).toEqual(Array(2).fill(Math.fround(0.05))); // β = 0
    expect(r.lr.slice(2)).toEqual(Array(6).fill(Math.fround(0.2)));
  });

  it('edits queued twice before a step merge, the later value of a key winning', () => {
    const c = new RunControl();
    c.edit({ alpha0: 1, beta: 2 });
    c.edit({ alpha0: 3 });
    expect(c.takeEdits()).toEqual({ alpha0: 3, beta: 2 });
    expect(c.takeEdits()).toBeNull();
  });
});
