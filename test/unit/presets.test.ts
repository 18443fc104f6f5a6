// src/experiments/presets.ts: the sweep presets hold exactly the runs and settings issue 5 asks for.
import { describe, expect, it } from 'vitest';
import {
  ALPHA_SWEEP_CAP,
  ALPHA_SWEEP_THRESHOLD,
  compactNumber,
  expandPreset,
  findPreset,
  PRESET_NAMES,
  PRESETS,
  REFERENCE_METHODS,
  runId,
  scaleBudget,
  trainArgs,
  unknownOptimizers,
  type Preset,
  type RunTemplate,
} from '../../src/experiments/presets';
import { OPTIMIZER_NAMES, optimizerInfo } from '../../src/optim/catalog';
import { formatStack, parseStack } from '../../src/optim/stackSpec';

const preset = (name: string): Preset => {
  const p = findPreset(name);
  if (!p) throw new Error(`no preset ${name}`);
  return p;
};
const byOpt = (p: Preset, name: string): RunTemplate => p.runs.find((r) => r.optimizer === name)!;

describe('presets', () => {
  it('are the five of the issue, the second-order comparison and the stacks, every optimizer in the registry', () => {
    expect(PRESET_NAMES).toEqual(['reference-logreg', 'reference-mlp', 'reference-vgg', 'tutorial-ffnn', 'alpha-sweep', 'second-order', 'gdtuo-mnist']);
    for (const p of PRESETS) expect(unknownOptimizers(p)).toEqual([]);
    expect(REFERENCE_METHODS.every((m) => OPTIMIZER_NAMES.includes(m))).toBe(true);
  });

  it('run counts per seed: 12, 12, 12, 8, 30, 5, 12', () => {
    expect(PRESETS.map((p) => p.runs.length)).toEqual([12, 12, 12, 8, 30, 5, 12]);
    expect(expandPreset(preset('reference-logreg'), 3)).toHaveLength(36);
    expect(expandPreset(preset('tutorial-ffnn'), 1)).toHaveLength(8);
    expect(expandPreset(preset('alpha-sweep'), 2)).toHaveLength(60);
  });

  it('reference presets: the 12 methods, α₀ 1e-3, β by family, μ 0.9, batch 128, wd 1e-4, 20/100/200 epochs', () => {
    for (const [name, model, epochs, adamBeta] of [
      ['reference-logreg', 'logreg', 20, 1e-7],
      ['reference-mlp', 'mlp', 100, 1e-7],
      ['reference-vgg', 'vgg16bn', 200, 1e-8],
    ] as const) {
      const p = preset(name);
      expect(p.runs.map((r) => r.optimizer)).toEqual([...REFERENCE_METHODS]);
      for (const r of p.runs) {
        expect(r).toMatchObject({ model, alpha0: 1e-3, batchSize: 128, weightDecay: 1e-4, budget: { epochs }, threshold: null, normalize: true });
        const group = optimizerInfo(r.optimizer).betaGroup;
        // HD and variants: the reference's β per family; classic baselines: train.py's default 1e-6 (spec §4.11).
        expect(r.beta).toBe(group === 'sgd' ? 1e-3 : group === 'adam' ? adamBeta : 1e-6);
        expect(r.momentum).toBe(['SGDN', 'SGDN-HD', 'SGDNop-SGDNlop', 'SGDNop-Adamlop'].includes(r.optimizer) ? 0.9 : 0);
      }
      expect(byOpt(p, 'SGDop-Adamlop').beta).toBe(1e-3);
      expect(byOpt(p, 'Adamop-Adamlop').beta).toBe(adamBeta);
      expect(byOpt(p, 'SGD').beta).toBe(1e-6);
    }
  });

  it('tutorial-ffnn: torch default lrs, FFNN, batch 100, 3,000 iterations, no normalisation, no weight decay', () => {
    const p = preset('tutorial-ffnn');
    expect(p.runs.map((r) => [r.optimizer, r.alpha0, r.momentum])).toEqual([
      ['SGD', 0.1, 0],
      ['SGDM', 0.1, 0.9],
      ['SGDN', 0.1, 0.9],
      ['Adam', 1e-3, 0],
      ['Adagrad', 1e-2, 0],
      ['Adadelta', 1.0, 0],
      ['Adamax', 2e-3, 0],
      ['RMSProp', 1e-2, 0],
    ]);
    for (const r of p.runs) expect(r).toMatchObject({ model: 'ffnn100', batchSize: 100, budget: { iterations: 3000 }, weightDecay: 0, normalize: false, threshold: null });
  });

  it('alpha-sweep: 5 α₀ × 6 methods on LogReg, reference β, threshold and cap', () => {
    const p = preset('alpha-sweep');
    const alphas = [...new Set(p.runs.map((r) => r.alpha0))];
    expect(alphas).toEqual([1e-1, 1e-2, 1e-3, 1e-4, 1e-6]);
    expect([...new Set(p.runs.map((r) => r.optimizer))]).toEqual(['SGD', 'SGD-HD', 'SGDN', 'SGDN-HD', 'Adam', 'Adam-HD']);
    expect(ALPHA_SWEEP_THRESHOLD).toBe(0.3);
    expect(ALPHA_SWEEP_CAP).toBe(5000);
    for (const r of p.runs) {
      expect(r).toMatchObject({ model: 'logreg', batchSize: 128, weightDecay: 1e-4, threshold: 0.3, budget: { iterations: 5000 }, normalize: true });
    }
    expect(byOpt(p, 'SGD-HD').beta).toBe(1e-3);
    expect(byOpt(p, 'SGDN-HD').beta).toBe(1e-3);
    expect(byOpt(p, 'Adam-HD').beta).toBe(1e-7);
    expect(byOpt(p, 'Adam').beta).toBe(1e-6);
  });
});

describe('seeds and scale', () => {
  it('seeds 1..N, each with every run', () => {
    const runs = expandPreset(preset('tutorial-ffnn'), 3);
    expect(runs.map((r) => r.seed)).toEqual([...Array(8).fill(1), ...Array(8).fill(2), ...Array(8).fill(3)]);
    expect(runs.every((r) => r.preset === 'tutorial-ffnn')).toBe(true);
    expect(() => expandPreset(preset('tutorial-ffnn'), 0)).toThrow(/seeds/);
  });

  it('--scale turns epochs into iterations and scales iteration budgets, at least 1', () => {
    expect(scaleBudget({ epochs: 20 }, 1, 128, 'mnist')).toEqual({ epochs: 20 });
    // 20 epochs × 469 iterations (60,000 / 128 rounded up) × 0.01 = 93.8 → 94.
    expect(scaleBudget({ epochs: 20 }, 0.01, 128, 'mnist')).toEqual({ iterations: 94 });
    expect(scaleBudget({ iterations: 3000 }, 0.01, 100, 'mnist')).toEqual({ iterations: 30 });
    expect(scaleBudget({ iterations: 3000 }, 1e-9, 100, 'mnist')).toEqual({ iterations: 1 });
    // CIFAR-10: 50,000 / 128 → 391 per epoch.
    expect(scaleBudget({ epochs: 200 }, 0.001, 128, 'cifar10')).toEqual({ iterations: 78 });
    expect(() => scaleBudget({ epochs: 1 }, 0, 128, 'mnist')).toThrow(/scale/);
    expect(expandPreset(preset('alpha-sweep'), 1, 0.01).every((r) => 'iterations' in r.budget && r.budget.iterations === 50)).toBe(true);
  });
});

describe('run ids and train arguments', () => {
  it('run ids are unique within and across presets and carry the budget', () => {
    const all = PRESETS.flatMap((p) => expandPreset(p, 2));
    expect(new Set(all.map(runId)).size).toBe(all.length);
    const [a] = expandPreset(preset('tutorial-ffnn'), 1);
    const [b] = expandPreset(preset('tutorial-ffnn'), 1, 0.01);
    expect(runId(a)).toBe('mnist_ffnn100_SGD_a1e-1_b1e-6_m0_wd0_bs100_i3000_raw_s1');
    expect(runId(b)).toBe('mnist_ffnn100_SGD_a1e-1_b1e-6_m0_wd0_bs100_i30_raw_s1');
    const ref = expandPreset(preset('reference-logreg'), 1).find((r) => r.optimizer === 'SGDN-HD')!;
    expect(runId(ref)).toBe('mnist_logreg_SGDN-HD_a1e-3_b1e-3_m9e-1_wd1e-4_bs128_e20_s1');
    const th = expandPreset(preset('alpha-sweep'), 1)[0];
    expect(runId(th)).toBe('mnist_logreg_SGD_a1e-1_b1e-6_m0_wd1e-4_bs128_i5000_t3e-1_s1');
    expect(compactNumber(2e-3)).toBe('2e-3');
    expect(compactNumber(1)).toBe('1e0');
  });

  it('trainArgs follow the train command line contract', () => {
    const ref = expandPreset(preset('reference-logreg'), 1).find((r) => r.optimizer === 'Adam-HD')!;
    expect(trainArgs(ref, { out: '/o/seed1', summaryJson: '/o/runs/x.json', backend: 'wasm' })).toEqual([
      '--dataset', 'mnist', '--model', 'logreg', '--optimizer', 'Adam-HD', '--alpha0', '0.001', '--beta', '1e-7',
      '--batch-size', '128', '--weight-decay', '0.0001', '--seed', '1', '--epochs', '20',
      '--backend', 'wasm', '--out', '/o/seed1', '--summary-json', '/o/runs/x.json', '--quiet',
    ]);
    // μ only for the optimizers that use the page-wide μ (train refuses it for the others).
    const sgdn = expandPreset(preset('reference-logreg'), 1).find((r) => r.optimizer === 'SGDN-HD')!;
    const b = trainArgs(sgdn, { out: 'o', summaryJson: 's.json' });
    expect(b.slice(b.indexOf('--momentum'), b.indexOf('--momentum') + 2)).toEqual(['--momentum', '0.9']);
    const tut = expandPreset(preset('tutorial-ffnn'), 1, 0.01)[1];
    const a = trainArgs(tut, { out: 'o', summaryJson: 's.json' });
    expect(a).toContain('--no-normalize');
    expect(a.slice(a.indexOf('--iterations'), a.indexOf('--iterations') + 2)).toEqual(['--iterations', '30']);
    expect(a).not.toContain('--backend');
    const th = expandPreset(preset('alpha-sweep'), 1)[0];
    const t = trainArgs(th, { out: 'o', summaryJson: 's.json', quiet: false });
    expect(t.slice(t.indexOf('--threshold'), t.indexOf('--threshold') + 2)).toEqual(['--threshold', '0.3']);
    expect(t).not.toContain('--quiet');
  });
});

describe('second-order preset', () => {
  it('passes L-BFGS its settings as flags, names them in the run id, and leaves the others as they were', () => {
    const runs = expandPreset(preset('second-order'), 1);
    expect(runs.map((r) => [r.optimizer, r.alpha0])).toEqual([['SGD', 0.1], ['Adam', 1e-3], ['Adam-HD', 1e-3], ['ESGD-M', 1], ['L-BFGS', 1]]);
    const lbfgs = runs[4];
    const args = trainArgs(lbfgs, { out: 'o', summaryJson: 's.json' });
    expect(args.join(' ')).toContain('--max-iter 4 --history-size 10 --strong-wolfe true');
    expect(runId(lbfgs)).toBe('mnist_mlp_L-BFGS_a1e0_b1e-6_m0_wd0_bs128_e1_maxIter4e0_historySize1e1_strongWolfetrue_s1');
    expect(runId(runs[1])).toBe('mnist_mlp_Adam_a1e-3_b1e-6_m0_wd0_bs128_e1_s1');
    expect(trainArgs(runs[1], { out: 'o', summaryJson: 's.json' }).join(' ')).not.toContain('--max-iter');
  });

  it('gdtuo-mnist: the reference README setup, every stack parses, distinct run ids and CSV files per stack', () => {
    const p = preset('gdtuo-mnist');
    for (const r of p.runs) {
      expect(r).toMatchObject({ dataset: 'mnist', model: 'mlp128tanh', batchSize: 256, weightDecay: 0, momentum: 0, budget: { epochs: 1 }, normalize: false });
      if (r.optimizer === 'Stack') expect(formatStack(parseStack(r.options!.stack!))).toBe(r.options!.stack);
    }
    const stacks = p.runs.filter((r) => r.optimizer === 'Stack').map((r) => r.options!.stack);
    expect(stacks).toContain('Adam / SGD(1e-5)');
    expect(stacks).toContain('Adamα / SGD(1e-5)');
    const runs = expandPreset(p, 3);
    const ids = runs.map(runId);
    expect(new Set(ids).size).toBe(ids.length);
    // "/", spaces and Greek letters never reach a file name; Adamα and Adam stay apart.
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9._+-]+$/);
    expect(ids.filter((id) => id.includes('stackAdama-SGD-1e-5_s1'))).toHaveLength(1);
    expect(ids.filter((id) => id.includes('stackAdam-SGD-1e-5_s1'))).toHaveLength(1);
    expect(trainArgs(runs.find((r) => r.options?.stack === 'Adam / SGD(1e-5)')!, { out: 'o', summaryJson: 's' })).toEqual(
      expect.arrayContaining(['--stack', 'Adam / SGD(1e-5)', '--no-normalize']),
    );
  });
});
