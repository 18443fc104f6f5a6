// `npm run controller -- train | eval` end to end on real MNIST at a smoke size (the shipped controller's
// training is the same command at the reference's size), plus the pure pieces of the baselines and the
// environment's action rules, checked against values derived by hand.
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runTsxCli } from '../cliRun';
import { parseController } from '../../src/rl/controllerFile';
import { stepDecayFactor, meanStd, verdict, summarizeMethod, type RunRow } from '../../src/cli/controllerEval';
import { actionFactor, type EnvInit, type FromChild } from '../../src/cli/controllerEnvChild';
import type { ControllerRecord } from '../../src/engine/types';

const dir = mkdtempSync(path.join(tmpdir(), 'hg-controller-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const controller = (args: string[], script = 'src/cli/controller.ts') => runTsxCli(script, args);

const csvRows = (file: string) => readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));

describe('baselines and actions', () => {
  it('step decay: ×γ after 50 of 1,000 steps, ÷γ after 400 and 800 (the reference baselines.py), counted from the first observation', () => {
    // Decisions are taken after t = 10, 20, …, 1010 steps; the reference's step_count is t − 10.
    const factors = Array.from({ length: 101 }, (_, k) => stepDecayFactor(10 * (k + 1), 1000, 10));
    expect(factors.filter((f) => f !== 1)).toEqual([10, 0.1, 0.1]);
    expect(stepDecayFactor(60, 1000, 10)).toBe(10);
    expect(stepDecayFactor(410, 1000, 10)).toBe(0.1);
    expect(stepDecayFactor(810, 1000, 2)).toBe(0.5);
    // 100 steps: 5 % → 5 rounds to 10? round(0.5)=1·10 = 10; 40 % = 40; 80 % = 80.
    expect([20, 50, 90].map((t) => stepDecayFactor(t, 100, 2))).toEqual([2, 0.5, 0.5]);
  });

  it('actions: 0 multiplies, 1 divides, 2 keeps; continuous factors are clipped to the box', () => {
    const d = { kind: 'discrete', factor: 1.05 } as const;
    expect([0, 1, 2].map((a) => actionFactor(d, a))).toEqual([1.05, 1 / 1.05, 1]);
    expect(() => actionFactor(d, 3)).toThrow(/0, 1 or 2/);
    const c = { kind: 'continuous', low: 1 / 1.05, high: 1.05 } as const;
    expect([0.5, 1.01, 3].map((a) => actionFactor(c, a))).toEqual([1 / 1.05, 1.01, 1.05]);
  });

  it('mean ± sample std, and the verdict names the better method with the relative difference', () => {
    expect(meanStd([1, 2, 3])).toEqual({ mean: 2, std: 1 });
    const rows = (m: string, v: number[]): RunRow[] => v.map((x, i) => ({ method: m, seed: i + 1, alpha0: 1e-3, gamma: null, finalValLoss: x, bestValLoss: x, testLoss: x, testAccuracy: 0.9, finalLr: 1e-3, wallS: 1 }));
    const a = summarizeMethod('learned', 'learned', rows('learned', [0.09, 0.11]));
    const b = summarizeMethod('step', 'step', rows('step', [0.2, 0.2]));
    expect(verdict(a, b)).toMatch(/beats the tuned step decay: final validation loss 0\.1000 vs 0\.2000 \(50\.0 % lower\)/);
    expect(verdict(b, a)).toMatch(/does not beat .* 0\.2000 vs 0\.1000 \(100\.0 % higher\)/);
  });
});

describe('an environment process', () => {
  /** The messages of a child told init (with these settings and initial α) and then reset; its exit code after close. */
  async function resetOnce(model: string, initialLr: number): Promise<{ got: FromChild[]; code: number | null }> {
    const child = fork(path.resolve(__dirname, '../../src/cli/controllerEnvChild.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    const got: FromChild[] = [];
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const init: EnvInit = {
      type: 'init', settings: { dataset: 'mnist', model: model as 'mlp3', width: 1, batchSize: 100, steps: 20 }, backend: 'cpu', seed: 1,
      action: { kind: 'discrete', factor: 1.05 }, noise: false, initialLr,
    };
    await new Promise<void>((resolve) => {
      child.on('message', (m: FromChild) => {
        got.push(m);
        if (m.type === 'ready') child.send({ type: 'reset' });
        else resolve();
      });
      child.send(init);
    });
    child.send({ type: 'close' });
    return { got, code: await exited };
  }

  it('reports an episode that fails as an error message (and keeps running), not as an unhandled rejection', { timeout: 60_000 }, async () => {
    const { got, code } = await resetOnce('nope', 1e-3);
    expect(got.map((m) => m.type)).toEqual(['ready', 'error']);
    expect(got[1].type === 'error' && got[1].message).toMatch(/^Error: Unknown model "nope"/);
    expect(code).toBe(0); // closed when asked, not ended by the failure
  });

  it('reports an episode that diverges before its last observation as an error message, instead of waiting forever', { timeout: 60_000 }, async () => {
    // α₀ = 1e30: the weights overflow within the first 10 steps, so the trainer stops (diverged) before it observes.
    const { got, code } = await resetOnce('ffnn100', 1e30);
    expect(got.map((m) => m.type)).toEqual(['ready', 'error']);
    expect(got[1].type === 'error' && got[1].message.split('\n')[0]).toBe("Error: the episode's training ended (diverged) after 0 observations, before its last one");
    expect(code).toBe(0);
  });
});

describe('npm run controller', () => {
  it('refuses bad command lines with one line and exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [['train'], /--out DIR is required/],
      [['train', '--out', path.join(dir, 'x'), '--action', 'sideways'], /--action: "sideways" is not discrete or continuous/],
      [['train', '--out', path.join(dir, 'x'), '--envs', '3', '--n-steps', '5', '--minibatches', '4'], /does not divide envs × n-steps = 15/],
      [['train', '--out', path.join(dir, 'x'), '--model', 'vgg16bn'], /VGG-16-BN needs 32×32×3 images/],
      [['eval', '--out', path.join(dir, 'x'), '--controller', path.join(dir, 'missing.json')], /cannot read/],
      [['fly'], /unknown subcommand "fly"/],
    ];
    for (const [args, re] of cases) {
      const r = await controller(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(re);
    }
  });

  it('train writes a loadable controller, its logs and a checkpoint; --resume continues it; eval compares it with the tuned baselines', { timeout: 240_000 }, async () => {
    const out = path.join(dir, 'train');
    // 2 environments × 2 steps per rollout = 1 update of 4 timesteps; each episode: 20 steps, 2 observations.
    const small = ['--dataset', 'mnist', '--model', 'ffnn100', '--batch-size', '1000', '--episode-steps', '10', '--envs', '2', '--n-steps', '2', '--minibatches', '2', '--out', out];
    const first = await controller(['train', ...small, '--timesteps', '4']);
    expect(first.code, first.stderr).toBe(0);
    const ctrl = parseController(readFileSync(path.join(out, 'controller.json'), 'utf8'));
    expect(ctrl.action).toEqual({ kind: 'discrete', factor: 1.05 });
    expect(ctrl.trained).toMatchObject({ dataset: 'mnist', model: 'ffnn100', timesteps: 4 });
    expect(csvRows(path.join(out, 'train-log.csv')).map((r) => r.slice(0, 2))).toEqual([['1', '4']]);
    // Each environment finished an episode per step (one action each): 4 episodes. Training adds the
    // reference's noise N(0, 1e-5) to α after the action: final = initial·f + noise, f ∈ {1.05, 1/1.05, 1}.
    const episodes = csvRows(path.join(out, 'episodes.csv'));
    expect(episodes.length).toBe(4);
    for (const e of episodes) {
      const [initial, final, finalVal] = [Number(e[3]), Number(e[4]), Number(e[5])];
      expect(initial).toBeGreaterThanOrEqual(1e-5);
      expect(final).toBeGreaterThanOrEqual(1e-5);
      expect(Math.min(...[1.05, 1 / 1.05, 1].map((f) => Math.abs(final - initial * f)))).toBeLessThan(6e-5); // 6σ
      expect(finalVal).toBeGreaterThan(0);
    }
    // The same OUT again without --resume is refused; with it, training continues to the new budget.
    const again = await controller(['train', ...small, '--timesteps', '8']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/checkpoint\.json exists: pass --resume/);
    const resumed = await controller(['train', ...small, '--timesteps', '8', '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resuming at 4 timesteps/);
    expect(csvRows(path.join(out, 'train-log.csv')).map((r) => r.slice(0, 2))).toEqual([['1', '4'], ['2', '8']]);
    expect(parseController(readFileSync(path.join(out, 'controller.json'), 'utf8')).trained.timesteps).toBe(8);

    const evalOut = path.join(dir, 'eval');
    const ev = await controller(['eval', '--controller', path.join(out, 'controller.json'), '--dataset', 'mnist', '--model', 'ffnn100', '--batch-size', '1000', '--episode-steps', '20', '--seeds', '1', '--out', evalOut]);
    expect(ev.code, ev.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(path.join(evalOut, 'summary.json'), 'utf8'));
    expect(summary.tuning.length).toBe(9); // 3 constant + 3 α₀ × 2 γ step decays
    expect(summary.methods.map((m: { method: string }) => m.method)).toEqual(['learned', 'constant', 'step']);
    // The chosen baselines are the tuning's best.
    const best = (prefix: string) => summary.tuning.filter((t: { label: string }) => t.label.startsWith(prefix)).sort((a: { finalValLoss: number }, b: { finalValLoss: number }) => a.finalValLoss - b.finalValLoss)[0];
    expect(summary.methods[1].alpha0).toBe(best('constant').alpha0);
    expect([summary.methods[2].alpha0, summary.methods[2].gamma]).toEqual([best('step').alpha0, best('step').gamma]);
    for (const m of summary.methods) expect(m.runs.length).toBe(1);
    const md = readFileSync(path.join(evalOut, 'summary.md'), 'utf8');
    expect(md).toMatch(/\| learned schedule \| 0\.001 \|/);
    expect(md).toMatch(/The learned schedule (beats|does not beat) the tuned step decay/);
    // Every decision of the learned run multiplies α by 1.05, 1/1.05 or 1 (no noise in evaluation); the
    // step decay run changes α exactly at its marks.
    const learned = JSON.parse(readFileSync(path.join(evalOut, 'runs', 'learned-seed1.json'), 'utf8')).decisions as ControllerRecord[];
    expect(learned.map((d) => d.iteration)).toEqual([10, 20, 30]);
    for (let k = 1; k < learned.length; k++) {
      const ratio = learned[k].features[6] / learned[k - 1].features[6];
      expect([1.05, 1 / 1.05, 1].some((f) => Math.abs(ratio / f - 1) < 1e-9)).toBe(true);
    }
    const step = JSON.parse(readFileSync(path.join(evalOut, 'runs', 'step-seed1.json'), 'utf8')).decisions as ControllerRecord[];
    const g = summary.methods[2].gamma;
    // 20 steps: ×γ after step_count round(0.05·20 / 10)·10 = 0 (the first decision), ÷γ at 10 (40 % → 10) and
    // 20 (80 % → 20); that last one is the run's final observation, whose answer is never applied: recorded as 1.
    expect(step.map((d) => d.factor)).toEqual([g, 1 / g, 1]);
    expect(existsSync(path.join(evalOut, 'runs', 'constant-seed1.json'))).toBe(true);
  });

  it('train --optimizer Adam-Learned runs the shipped controller (or a file) and exports its decisions', { timeout: 120_000 }, async () => {
    const out = path.join(dir, 'train-learned');
    const r = await controller(['--optimizer', 'Adam-Learned', '--model', 'ffnn100', '--iterations', '20', '--batch-size', '1000', '--out', out, '--quiet'], 'src/cli/train.ts');
    expect(r.code, r.stderr).toBe(0);
    const tidy = readFileSync(r.stdout.trim().split('\n')[1], 'utf8');
    // One decision after 10 and after 20 steps: 7 inputs + factor + next α each.
    const ctrlRows = tidy.split('\n').filter((l) => l.includes(',ctrl:'));
    expect(ctrlRows.length).toBe(2 * 9);
    // A controller.json from `controller train` (the test above) is recorded by its text's SHA-256, as the page does.
    const fromFile = await controller(['--optimizer', 'Adam-Learned', '--controller', path.join(dir, 'train', 'controller.json'), '--model', 'ffnn100', '--iterations', '10',
      '--batch-size', '1000', '--out', path.join(dir, 'train-file'), '--quiet'], 'src/cli/train.ts');
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(readFileSync(fromFile.stdout.trim().split('\n')[1], 'utf8')).toMatch(/file:[0-9a-f]{16}/);
    const bad = await controller(['--optimizer', 'Adam-Learned', '--controller', path.join(dir, 'nope.json'), '--iterations', '2', '--out', out], 'src/cli/train.ts');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--controller: cannot read/);
    const unused = await controller(['--optimizer', 'Adam', '--controller', 'mnist-mlp3-discrete', '--out', out], 'src/cli/train.ts');
    expect(unused.code).toBe(2);
    expect(unused.stderr).toMatch(/Adam does not use it/);
  });
});
