// `npm run train` with the learned-schedule work's models: ResNet-18 (width 1/8) on a generated CIFAR-10
// archive with a first-order and the second-order optimizer (ESGD-M uses the exact H·v), and MLP3 on MNIST.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runTsxCli } from '../cliRun';
import type { RunSummary } from '../../src/cli/experiment';
import { tinyCifarTarGz } from './cifarFixture';

const dir = mkdtempSync(path.join(tmpdir(), 'hg-resnet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const train = (args: string[], env: NodeJS.ProcessEnv = {}) => runTsxCli('src/cli/train.ts', args, env);

describe('npm run train: resnet18, mlp3', () => {
  it('trains ResNet-18 (--width 0.125) on CIFAR-10 with SGD-HD and with ESGD-M (H·v)', async () => {
    const archive = path.join(dir, 'cifar-10-binary.tar.gz');
    writeFileSync(archive, tinyCifarTarGz(4, 3).gz); // 20 training images, 3 test images
    for (const optimizer of ['SGD-HD', 'ESGD-M']) {
      const summaryFile = path.join(dir, `${optimizer}.json`);
      const r = await train(['--dataset', 'cifar10', '--model', 'resnet18', '--width', '0.125', '--optimizer', optimizer, '--batch-size', '10',
        '--iterations', '3', '--out', path.join(dir, 'out'), '--summary-json', summaryFile, '--quiet'], { CIFAR10_PATH: archive });
      expect(r.code, r.stderr).toBe(0);
      const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as RunSummary;
      expect(summary).toMatchObject({ dataset: 'cifar10', model: 'resnet18', iterations: 3, state: 'done' });
      const tidy = readFileSync(r.stdout.trim().split('\n')[1], 'utf8').trim().split('\n');
      expect(tidy[0].split(',').at(-1)).toBe('width');
      expect(tidy[1].split(',').at(-1)).toBe('0.125');
    }
  });

  it('trains MLP3 on MNIST and refuses --width for it', async () => {
    const r = await train(['--dataset', 'mnist', '--model', 'mlp3', '--optimizer', 'SGD', '--batch-size', '32', '--iterations', '2',
      '--out', path.join(dir, 'mlp3'), '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')[0]).toBe(path.join(dir, 'mlp3', 'mlp3', '+1e-03_+1e-03', 'SGD.csv'));
    const noWidth = await train(['--optimizer', 'SGD', '--model', 'mlp3', '--width', '0.5']);
    expect(noWidth.code).toBe(2);
    expect(noWidth.stderr).toMatch(/--width: mlp3 has no width multiplier \(only vgg16bn, resnet18\)/);
  });
});
