// `npm run train` end to end on real MNIST, tiny budgets: files, headers, row 0, epoch-end rows, the
// summary, the loss threshold, and argument errors.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runTsxCli } from '../cliRun';
import type { RunSummary } from '../../src/cli/experiment';
import { tinyCifarTarGz } from './cifarFixture';

const dir = mkdtempSync(path.join(tmpdir(), 'hg-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const train = (args: string[], env: NodeJS.ProcessEnv = {}) => runTsxCli('src/cli/train.ts', args, env);

const csv = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(','));

describe('npm run train', () => {
  it('writes the reference layout with row 0 and end-of-epoch rows, the tidy CSV and the summary', async () => {
    // Batch 6000: 10 iterations per epoch, 2 epochs.
    const out = path.join(dir, 'a');
    const summaryFile = path.join(dir, 'a.json');
    const r = await train(['--optimizer', 'SGD-HD', '--model', 'logreg', '--alpha0', '0.1', '--beta', '1e-3', '--batch-size', '6000',
      '--epochs', '2', '--backend', 'cpu', '--out', out, '--summary-json', summaryFile]);
    expect(r.code, r.stderr).toBe(0);
    const refFile = path.join(out, 'logreg', '+1e-01_+1e-03', 'SGD-HD.csv');
    expect(r.stdout.trim().split('\n')).toEqual([refFile, refFile.replace(/\.csv$/, '.tidy.csv')]);
    const [header, ...rows] = csv(refFile);
    expect(header).toEqual(['Epoch', 'Iteration', 'Time', 'Loss', 'LossEpoch', 'ValidLossEpoch', 'Alpha', 'AlphaEpoch', 'Beta']);
    expect(rows.length).toBe(1 + 20);
    const col = (name: string) => rows.map((row) => row[header.indexOf(name)]);
    // Row 0: before training, α₀, the validation loss, the first batch's loss twice.
    expect(rows[0].slice(0, 3)).toEqual(['0', '0', '0']);
    expect(Number(col('Alpha')[0])).toBe(0.1);
    expect(col('Loss')[0]).toBe(col('LossEpoch')[0]);
    // End-of-epoch rows (iterations 10, 20) carry the epoch means; the others nan.
    for (const [i, row] of rows.slice(1).entries()) {
      const end = (i + 1) % 10 === 0;
      expect(row[4] === 'nan', `row ${i + 1}`).toBe(!end);
    }
    const loss = col('Loss').slice(1).map(Number), alpha = col('Alpha').slice(1).map(Number);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(Number(rows[10][4])).toBeCloseTo(mean(loss.slice(0, 10)), 12);
    expect(Number(rows[20][4])).toBeCloseTo(mean(loss.slice(10, 20)), 12);
    expect(Number(rows[20][7])).toBeCloseTo(mean(alpha.slice(10, 20)), 12);
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as RunSummary;
    expect(summary).toMatchObject({ dataset: 'mnist', model: 'logreg', optimizer: 'SGD-HD', alpha0: 0.1, beta: 1e-3, seed: 1, iterations: 20, state: 'done', iterations_to_threshold: null });
    expect(summary.train_loss).toBeCloseTo(mean(loss.slice(10, 20)), 12); // mean over the last epoch
    expect(Number(rows[20][5])).toBeCloseTo(summary.val_loss!, 12); // ValidLossEpoch at the end = final val loss
    expect(summary.val_accuracy!).toBeGreaterThan(0.5);
    expect(summary.val_accuracy!).toBeLessThanOrEqual(1);
    expect(summary.lr_final).toBe(alpha[19]);
    expect(summary.lr_min).toBe(Math.min(...alpha));
    expect(summary.lr_max).toBe(Math.max(...alpha));
  });

  it('stops at the loss threshold and reports the iterations it took', async () => {
    const out = path.join(dir, 'b');
    const summaryFile = path.join(dir, 'b.json');
    const r = await train(['--optimizer', 'Adam', '--model', 'logreg', '--alpha0', '0.01', '--iterations', '400', '--threshold', '0.6',
      '--backend', 'cpu', '--out', out, '--summary-json', summaryFile, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as RunSummary;
    expect(summary.state).toBe('threshold');
    const [, ...rows] = csv(path.join(out, 'logreg', '+1e-02_+1e-07', 'Adam.csv'));
    const losses = rows.slice(1).map((row) => Number(row[3]));
    // The run ends at the first minibatch loss below 0.6, and that is the count reported.
    expect(losses.at(-1)!).toBeLessThan(0.6);
    expect(losses.slice(0, -1).every((l) => l >= 0.6)).toBe(true);
    expect(summary.iterations_to_threshold).toBe(losses.length);
    expect(summary.iterations).toBe(losses.length);
  });

  it('answers bad arguments with a clear message and exit code 2', async () => {
    const unknown = await train(['--optimizer', 'SGD-XX']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--optimizer: unknown optimizer "SGD-XX" \(SGD, SGDM/);
    const bad = await train(['--optimizer', 'SGD', '--alpha0', 'fast']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--alpha0: "fast" is not a number/);
    const flag = await train(['--optimizer', 'SGD', '--nonsense', '1']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/train: .*nonsense/);
    const unused = await train(['--optimizer', 'Adam', '--lr-beta1', '0.5']);
    expect(unused.code).toBe(2);
    expect(unused.stderr).toMatch(/--lr-beta1: Adam does not use it/);
    const range = await train(['--optimizer', 'Adam', '--beta1', '1.5']);
    expect(range.code).toBe(2);
    expect(range.stderr).toMatch(/--beta1: must be ≥ 0 and < 1 \(got 1.5\)/);
    const schedule = await train(['--optimizer', 'SGD', '--schedule', 'step(size=0)']);
    expect(schedule.code).toBe(2);
    expect(schedule.stderr).toMatch(/--schedule: invalid schedule/);
  });

  it('trains VGG-16-BN (--width 1/8) on CIFAR-10 from $CIFAR10_PATH into the reference vgg/ folder', async () => {
    const archive = path.join(dir, 'cifar-10-binary.tar.gz');
    writeFileSync(archive, tinyCifarTarGz(4, 3).gz); // 20 training images, 3 test images
    const out = path.join(dir, 'vgg');
    const summaryFile = path.join(dir, 'vgg.json');
    const r = await train(['--dataset', 'cifar10', '--model', 'vgg16bn', '--width', '1/8', '--optimizer', 'Adam-HD', '--batch-size', '10',
      '--iterations', '2', '--out', out, '--summary-json', summaryFile, '--quiet'], { CIFAR10_PATH: archive });
    expect(r.code, r.stderr).toBe(0);
    // β defaults to 1e-7 for the Adam family (the CLI's default; the reference-vgg preset passes 1e-8).
    const refFile = path.join(out, 'vgg', '+1e-03_+1e-07', 'Adam-HD.csv');
    expect(r.stdout.trim().split('\n')[0]).toBe(refFile);
    expect(csv(refFile).length).toBe(1 + 1 + 2); // header, row 0, two iterations
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as RunSummary;
    expect(summary).toMatchObject({ dataset: 'cifar10', model: 'vgg16bn', iterations: 2, state: 'done' });
    const tidy = csv(refFile.replace(/\.csv$/, '.tidy.csv'));
    expect(tidy[0].at(-1)).toBe('width');
    expect(tidy[1].at(-1)).toBe('0.125');
  });

  it('refuses a model that does not fit the data, a bad width, and a width on a model without one (exit 2)', async () => {
    const misfit = await train(['--optimizer', 'SGD', '--model', 'vgg16bn', '--iterations', '1', '--quiet']);
    expect(misfit.code).toBe(2);
    expect(misfit.stderr).toMatch(/VGG-16-BN needs 32×32×3 images \(CIFAR-10\); this dataset has 28×28×1/);
    const width = await train(['--optimizer', 'SGD', '--model', 'vgg16bn', '--width', '0.3']);
    expect(width.code).toBe(2);
    expect(width.stderr).toMatch(/--width: "0.3" is not one of 1, 0.5, 0.25, 0.125/);
    const noWidth = await train(['--optimizer', 'SGD', '--model', 'lenet5', '--width', '0.5']);
    expect(noWidth.code).toBe(2);
    expect(noWidth.stderr).toMatch(/--width: lenet5 has no width multiplier/);
  });
});
