// `npm run sweep` (src/cli/sweep.ts) as a real child process: argument errors, --dry-run, parallel runs,
// failures, resuming — first against a stub train command (HG_TRAIN_CMD, fast and deterministic), then end
// to end with the real train command (src/cli/train.ts) on a tiny budget.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runSweepCli, type SweepResult } from '../sweepCli';
import { afterAll, describe, expect, it } from 'vitest';
import { SUMMARY_FIELDS } from '../../src/cli/summary';

const ROOT = path.resolve(__dirname, '../..');
const TMP = mkdtempSync(path.join(os.tmpdir(), 'sweep-test-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

function sweep(args: string[], env: NodeJS.ProcessEnv = {}): Promise<SweepResult> {
  return runSweepCli(args, { ...process.env, ...env });
}

// A stand-in for src/cli/train.ts that honours its contract: reads the flags, writes the reference CSV
// path and the summary JSON, exits 0; exits 1 with a message for the optimizer named in STUB_FAIL; logs
// every call to STUB_LOG.
const STUB = path.join(TMP, 'train-stub.mjs');
writeFileSync(
  STUB,
  `import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
const a = process.argv.slice(2);
const get = (f) => { const i = a.indexOf('--' + f); return i < 0 ? undefined : a[i + 1]; };
const opt = get('optimizer'), seed = Number(get('seed'));
if (process.env.STUB_LOG) appendFileSync(process.env.STUB_LOG, opt + ' ' + seed + '\\n');
if (process.env.STUB_FAIL === opt) {
  process.stderr.write('line 1 of the failure\\ntrain: --optimizer: something is wrong with ' + opt + '\\n');
  process.exit(1);
}
await new Promise((r) => setTimeout(r, Number(process.env.STUB_MS ?? 0)));
const iterations = Number(get('iterations') ?? 469 * Number(get('epochs')));
const threshold = get('threshold');
const dir = path.join(get('out'), get('model'));
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, opt + '.csv'), 'Epoch,Iteration,Time,Loss,LossEpoch,ValidLossEpoch,Alpha,AlphaEpoch,Beta\\n');
writeFileSync(get('summary-json'), JSON.stringify({
  dataset: get('dataset'), model: get('model'), optimizer: opt, alpha0: Number(get('alpha0')), beta: Number(get('beta')),
  seed, iterations, train_loss: 0.5 + seed / 100, val_loss: 0.4 + seed / 100, val_accuracy: 0.9 - seed / 100,
  lr_final: Number(get('alpha0')), lr_min: Number(get('alpha0')), lr_max: Number(get('alpha0')),
  iterations_to_threshold: threshold !== undefined && seed === 1 ? 7 : null, wall_s: 0.01 * seed,
  state: threshold !== undefined && seed === 1 ? 'threshold' : 'done',
}));
`,
);
const stubEnv = (extra: NodeJS.ProcessEnv = {}) => ({ HG_TRAIN_CMD: JSON.stringify([process.execPath, STUB]), ...extra });

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>[];

describe('sweep: arguments', () => {
  it('an unknown preset is refused with the list of presets (exit 2)', async () => {
    const r = await sweep(['reference-resnet', '--out', path.join(TMP, 'x')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown preset "reference-resnet"');
    for (const p of ['reference-logreg', 'reference-mlp', 'reference-vgg', 'tutorial-ffnn', 'alpha-sweep']) expect(r.stderr).toContain(p);
    expect(existsSync(path.join(TMP, 'x'))).toBe(false);
  });

  it('reference-vgg without CIFAR-10 is refused before any run, saying how to get the data (exit 2)', async () => {
    const r = await sweep(['reference-vgg', '--out', path.join(TMP, 'x')], { CIFAR10_PATH: path.join(TMP, 'no-such-cifar.tar.gz') });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no-such-cifar.tar.gz');
    expect(r.stderr).toContain('npm run data -- --cifar10');
    expect(existsSync(path.join(TMP, 'x'))).toBe(false);
  });

  it('bad numbers, a missing --out, an unknown backend or flag are refused (exit 2)', async () => {
    for (const [args, msg] of [
      [['tutorial-ffnn', '--out', TMP, '--jobs', '0'], '--jobs'],
      [['tutorial-ffnn', '--out', TMP, '--seeds', 'two'], '--seeds'],
      [['tutorial-ffnn', '--out', TMP, '--scale', '-1'], '--scale'],
      [['tutorial-ffnn', '--out', TMP, '--backend', 'webgl'], '--backend'],
      [['tutorial-ffnn'], '--out'],
      [['tutorial-ffnn', '--out', TMP, '--fast'], '--fast'],
    ] as const) {
      const r = await sweep([...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(msg);
    }
  });

  it('--dry-run lists every run with its train command and runs nothing', async () => {
    const out = path.join(TMP, 'dry');
    const r = await sweep(['alpha-sweep', '--out', out, '--seeds', '2', '--scale', '0.01', '--dry-run'], stubEnv());
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(60);
    expect(lines.every((l) => l.startsWith('todo\t'))).toBe(true);
    expect(lines[0]).toContain('--threshold 0.3');
    expect(lines[0]).toContain('--iterations 50');
    expect(r.stderr).toContain('60 runs, 0 done, 60 to run');
    expect(existsSync(out)).toBe(false);
  });
});

describe('sweep with a stub train command', () => {
  it('runs everything in parallel, collects summary.json / summary.md, and resumes', async () => {
    const out = path.join(TMP, 'stub');
    const log = path.join(TMP, 'stub.log');
    const r = await sweep(['tutorial-ffnn', '--out', out, '--seeds', '2', '--jobs', '3', '--scale', '0.01'], stubEnv({ STUB_LOG: log }));
    expect(r.stderr).toContain('16 runs, 0 already done (skipped), 16 to run, 3 at a time');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('[16/16] done');
    const rows = readJson(path.join(out, 'summary.json'));
    expect(rows).toHaveLength(16);
    for (const row of rows) {
      expect(Object.keys(row)).toEqual([...SUMMARY_FIELDS, 'state']);
      expect(row.preset).toBe('tutorial-ffnn');
      expect(row.iterations).toBe(30);
    }
    expect(rows.map((x) => x.seed)).toEqual([...Array(8).fill(1), ...Array(8).fill(2)]);
    // CSVs per seed under DIR/seed{N}
    expect(existsSync(path.join(out, 'seed1/ffnn100/SGD.csv'))).toBe(true);
    expect(existsSync(path.join(out, 'seed2/ffnn100/RMSProp.csv'))).toBe(true);
    const md = readFileSync(path.join(out, 'summary.md'), 'utf8');
    // seeds 1 and 2: train loss 0.51 / 0.52 → 0.515 ± 0.007; accuracy 89 / 88 % → 88.50 ± 0.71.
    expect(md).toContain('| ffnn100 | SGDM | 0.1 | 1e-6 | 2 | 30 ± 0 | 30 ± 0 | 0.515 ± 0.007 | 0.415 ± 0.007 | 88.50 ± 0.71 | 0.1 ± 0 | 0.1 ± 0 | 0.1 ± 0 | 0.015 ± 0.007 |');
    expect(md.split('\n').filter((l) => l.startsWith('| ffnn100 |'))).toHaveLength(8);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(16);
    // no temporary files left
    expect(readdirSync(path.join(out, 'runs')).every((f) => f.endsWith('.json') && !f.includes('.part-'))).toBe(true);

    // again: everything skipped, summaries rewritten identically
    rmSync(log);
    const again = await sweep(['tutorial-ffnn', '--out', out, '--seeds', '2', '--jobs', '3', '--scale', '0.01'], stubEnv({ STUB_LOG: log }));
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('16 runs, 16 already done (skipped), 0 to run');
    expect(existsSync(log)).toBe(false);
    expect(readJson(path.join(out, 'summary.json'))).toEqual(rows);

    // a killed run's leftovers (train's part file) are removed and that run is redone
    const runs = readdirSync(path.join(out, 'runs')).sort();
    const victim = runs.find((f) => f.includes('_Adagrad_') && f.endsWith('_s2.json'))!;
    rmSync(path.join(out, 'runs', victim));
    writeFileSync(path.join(out, 'runs', `${victim}.part-999-1`), '{"half": ');
    const third = await sweep(['tutorial-ffnn', '--out', out, '--seeds', '2', '--scale', '0.01'], stubEnv({ STUB_LOG: log }));
    expect(third.code).toBe(0);
    expect(third.stderr).toContain('15 already done (skipped), 1 to run');
    expect(readFileSync(log, 'utf8')).toBe('Adagrad 2\n');
    expect(readdirSync(path.join(out, 'runs')).sort()).toEqual(runs);
  });

  it('a failing run is reported with its stderr, the others go on, exit 1; a rerun retries only it', async () => {
    const out = path.join(TMP, 'fail');
    const r = await sweep(['alpha-sweep', '--out', out, '--scale', '0.002', '--jobs', '2'], stubEnv({ STUB_FAIL: 'SGDN-HD' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/FAILED mnist_logreg_SGDN-HD_a1e-1_\S+: exit code 1/);
    expect(r.stderr).toContain('something is wrong with SGDN-HD');
    expect(r.stderr).toContain('25 run(s)');
    expect(r.stderr).toContain('5 failed');
    const rows = readJson(path.join(out, 'summary.json'));
    expect(rows).toHaveLength(25);
    expect(rows.some((x) => x.optimizer === 'SGDN-HD')).toBe(false);
    const md = readFileSync(path.join(out, 'summary.md'), 'utf8');
    expect(md).toContain('Runs without a summary (failed or not run): 5');
    expect(md).toContain('iterations to threshold');
    expect(md).toContain('7 (1/1 reached)');

    const log = path.join(TMP, 'fail.log');
    const again = await sweep(['alpha-sweep', '--out', out, '--scale', '0.002', '--jobs', '2'], stubEnv({ STUB_LOG: log }));
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('25 already done (skipped), 5 to run');
    expect(readFileSync(log, 'utf8').trim().split('\n').sort()).toEqual(Array(5).fill('SGDN-HD 1'));
    expect(readJson(path.join(out, 'summary.json'))).toHaveLength(30);
  });

  it('a train command that exits 0 without a summary is a failure', async () => {
    const out = path.join(TMP, 'nosummary');
    const r = await sweep(['tutorial-ffnn', '--out', out, '--scale', '0.01', '--jobs', '2'], { HG_TRAIN_CMD: JSON.stringify([process.execPath, '-e', '0', '--']) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no readable summary JSON');
    expect(readJson(path.join(out, 'summary.json'))).toEqual([]);
  });
});

// End to end with the real train command (src/cli/train.ts, being written in parallel). Skipped until it exists.
const HAVE_TRAIN = existsSync(path.join(ROOT, 'src/cli/train.ts'));

describe.skipIf(!HAVE_TRAIN)('sweep end to end with the real train command', () => {
  it('tutorial-ffnn --scale 0.01 --seeds 1 --jobs 2 --backend wasm: summaries, resume, redo one', async () => {
    const out = path.join(TMP, 'real');
    const args = ['tutorial-ffnn', '--out', out, '--scale', '0.01', '--seeds', '1', '--jobs', '2', '--backend', 'wasm'];
    const r = await sweep(args, { HG_TRAIN_CMD: '' });
    expect(r.stderr).toContain('8 runs, 0 already done (skipped), 8 to run, 2 at a time');
    expect(r.code, r.stderr).toBe(0);
    const rows = readJson(path.join(out, 'summary.json'));
    expect(rows.map((x) => x.optimizer)).toEqual(['SGD', 'SGDM', 'SGDN', 'Adam', 'Adagrad', 'Adadelta', 'Adamax', 'RMSProp']);
    const alphas: Record<string, number> = { SGD: 0.1, SGDM: 0.1, SGDN: 0.1, Adam: 1e-3, Adagrad: 1e-2, Adadelta: 1, Adamax: 2e-3, RMSProp: 1e-2 };
    for (const row of rows) {
      expect(Object.keys(row)).toEqual([...SUMMARY_FIELDS, 'state']);
      expect(row).toMatchObject({ preset: 'tutorial-ffnn', dataset: 'mnist', model: 'ffnn100', seed: 1, iterations: 30, iterations_to_threshold: null, state: 'done' });
      expect(row.alpha0).toBe(alphas[row.optimizer as string]);
      for (const k of ['train_loss', 'val_loss'] as const) {
        expect(row[k] as number).toBeGreaterThan(0);
        expect(row[k] as number).toBeLessThan(5);
      }
      expect(row.val_accuracy as number).toBeGreaterThan(0.3); // 30 steps of any of them beats chance (0.1) by far
      expect(row.val_accuracy as number).toBeLessThanOrEqual(1);
      // fixed-rate optimizers: α stays α₀ (in float32)
      for (const k of ['lr_final', 'lr_min', 'lr_max'] as const) expect(row[k] as number).toBeCloseTo(row.alpha0 as number, 6);
      expect(row.wall_s as number).toBeGreaterThan(0);
    }
    const md = readFileSync(path.join(out, 'summary.md'), 'utf8');
    const tableRows = md.split('\n').filter((l) => l.startsWith('| ffnn100 |'));
    expect(tableRows).toHaveLength(8);
    expect(tableRows[0]).toMatch(/^\| ffnn100 \| SGD \| 0\.1 \| 1e-6 \| 1 \| 30 \| /);
    expect(tableRows[5]).toMatch(/^\| ffnn100 \| Adadelta \| 1 \| 1e-6 \| 1 \| 30 \| /);
    // reference-layout CSVs of the seed under DIR/seed1
    const csv = path.join(out, 'seed1/ffnn100/+1e-01_+1e-06/SGDN.csv');
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toBe('Epoch,Iteration,Time,Loss,LossEpoch,ValidLossEpoch,Alpha,AlphaEpoch,Beta');

    // again: everything skipped
    const runsDir = path.join(out, 'runs');
    const mtimes = new Map(readdirSync(runsDir).map((f) => [f, statSync(path.join(runsDir, f)).mtimeMs]));
    const again = await sweep(args, { HG_TRAIN_CMD: '' });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('8 runs, 8 already done (skipped), 0 to run');
    expect(again.stderr).not.toContain('] done ');
    for (const [f, t] of mtimes) expect(statSync(path.join(runsDir, f)).mtimeMs).toBe(t);
    expect(readJson(path.join(out, 'summary.json'))).toEqual(rows);

    // one summary deleted: only that run is redone
    const victim = [...mtimes.keys()].find((f) => f.includes('_Adamax_'))!;
    rmSync(path.join(runsDir, victim));
    const third = await sweep(args, { HG_TRAIN_CMD: '' });
    expect(third.code).toBe(0);
    expect(third.stderr).toContain('8 runs, 7 already done (skipped), 1 to run');
    const doneLines = third.stderr.split('\n').filter((l) => / done /.test(l) && l.startsWith('['));
    expect(doneLines).toHaveLength(1);
    expect(doneLines[0]).toContain(victim.replace(/\.json$/, ''));
    for (const [f, t] of mtimes) if (f !== victim) expect(statSync(path.join(runsDir, f)).mtimeMs).toBe(t);
    const rows3 = readJson(path.join(out, 'summary.json'));
    expect(rows3).toHaveLength(8);
    // same seed, same data order, same initial weights: the redone run gives the same numbers
    const before = rows.find((x) => x.optimizer === 'Adamax')!;
    const after = rows3.find((x) => x.optimizer === 'Adamax')!;
    expect(after.val_loss).toBe(before.val_loss);
    expect(after.train_loss).toBe(before.train_loss);
  }, 300_000);
});
