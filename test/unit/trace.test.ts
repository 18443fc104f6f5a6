// `npm run trace -- FILE.json` (src/cli/trace.ts) run as a real child process: the golden P1 runs, minibatch
// problems of other sizes against an independent float64 oracle written here from
// test/spec/hypergradient.md §1, and malformed files.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { GoldenProblem, GoldenRun } from '../../src/engine/replay';
import { fromReference } from '../../src/optim/reference';
import { GOLDEN_DIR, tolerance } from './goldenCheck';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const TMP = mkdtempSync(path.join(os.tmpdir(), 'trace-test-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: ROOT, maxBuffer: 256 << 20 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: unknown }).code as number | null) : 0;
      resolve({ code: typeof code === 'number' ? code : null, stdout, stderr });
    });
  });
}
/** The CLI itself through tsx (what `npm run trace` runs). */
const trace = (...args: string[]) => run(TSX, ['src/cli/trace.ts', ...args]);

function writeTemp(name: string, content: unknown): string {
  const file = path.join(TMP, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

interface OutStep {
  step: number;
  loss: number;
  lr: number;
  params?: number[];
}
type OutRun = { id: string; steps: OutStep[] } | { id: string; error: string };

const P1 = JSON.parse(readFileSync(path.join(GOLDEN_DIR, 'P1.json'), 'utf8')) as { problem: GoldenProblem & Record<string, unknown>; runs: GoldenRun[] };
const goldRun = (id: string): GoldenRun => {
  const r = P1.runs.find((x) => x.id === id);
  if (!r) throw new Error(`P1 has no run ${id}`);
  return r;
};

/** The golden README's float32 checks ("Suggested checks"). */
function expectMatchesGolden(mine: OutRun, gold: GoldenRun): void {
  if ('error' in mine) throw new Error(`${gold.id}: ${mine.error}`);
  const tol = tolerance(gold);
  const lrScale = Math.max(...gold.steps.map((s) => Math.abs(s.lr)));
  expect(mine.steps.map((s) => s.step)).toEqual(gold.steps.map((s) => s.step));
  gold.steps.forEach((g, k) => {
    const m = mine.steps[k];
    const where = `${gold.id} step ${g.step}`;
    expect(Math.abs(m.loss - g.loss), `${where} loss`).toBeLessThanOrEqual(tol * Math.abs(g.loss) + 1e-5);
    expect(Math.abs(m.lr - g.lr), `${where} lr`).toBeLessThanOrEqual(tol * lrScale);
    expect('params' in m, `${where}: params present exactly where the golden has them`).toBe(g.params !== undefined);
    if (g.params) {
      expect(m.params!.length).toBe(g.params.length);
      const scale = Math.max(...g.params.map(Math.abs));
      const worst = Math.max(...g.params.map((v, i) => Math.abs(m.params![i] - v)));
      expect(worst, `${where} params`).toBeLessThanOrEqual(tol * scale);
    }
  });
}

describe('trace on golden P1 runs', () => {
  const adagrad = goldRun('adagrad');
  let adagradKnown: boolean;
  try {
    adagradKnown = fromReference(adagrad.class, adagrad.config_with_defaults) !== null;
  } catch {
    adagradKnown = false;
  }
  const unknownRun: GoldenRun = { ...goldRun('sgd'), id: 'no_such', class: 'NoSuchOptimizer' };
  const subset = { ...P1, runs: [goldRun('sgd_hd'), adagrad, unknownRun, goldRun('adam_hd')] };
  const file = writeTemp('p1-subset.json', subset);

  it(`npm run trace: every run replayed or reported by id, in order (Adagrad ${adagradKnown ? 'implemented' : 'not implemented yet'})`, async () => {
    const r = await run('npm', ['run', '--silent', 'trace', '--', file]);
    expect(r.code, r.stderr).toBe(2);
    const out = JSON.parse(r.stdout) as { runs: OutRun[] };
    expect(out.runs.map((x) => x.id)).toEqual(['sgd_hd', 'adagrad', 'no_such', 'adam_hd']);
    expectMatchesGolden(out.runs[0], goldRun('sgd_hd'));
    expectMatchesGolden(out.runs[3], goldRun('adam_hd'));
    if (adagradKnown) expectMatchesGolden(out.runs[1], adagrad);
    else {
      expect(out.runs[1]).toEqual({ id: 'adagrad', error: 'unknown optimizer class "torch.optim.Adagrad"' });
      expect(r.stderr).toMatch(/run "adagrad".*unknown optimizer class/);
    }
    expect(out.runs[2]).toEqual({ id: 'no_such', error: 'unknown optimizer class "NoSuchOptimizer"' });
    expect(r.stderr).toMatch(/run "no_such" \(NoSuchOptimizer\) not replayed: unknown optimizer class "NoSuchOptimizer"/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('--backend wasm --runs selects runs (in file order) and exits 0 when all replay', async () => {
    const r = await trace(file, '--backend', 'wasm', '--runs', 'adam_hd,sgd_hd');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/on wasm/);
    const out = JSON.parse(r.stdout) as { runs: OutRun[] };
    expect(out.runs.map((x) => x.id)).toEqual(['sgd_hd', 'adam_hd']);
    expectMatchesGolden(out.runs[0], goldRun('sgd_hd'));
    expectMatchesGolden(out.runs[1], goldRun('adam_hd'));
  });
});

// ---- Independent float64 oracle (spec §1, golden README "Model"/"Loop"/batching rule) ----

/** README formula for initial parameters, flat torch order W1 [out][in], b1, W2, b2, ... */
function initParams(sizes: number[]): number[] {
  const out: number[] = [];
  for (let L = 1; L < sizes.length; L++) {
    const nIn = sizes[L - 1], nOut = sizes[L], s = 1 / Math.sqrt(nIn);
    for (let o = 0; o < nOut; o++) for (let k = 0; k < nIn; k++) out.push((s * (((o * o * 7 + k * k * 3 + o * k * 5 + 11 * o + 13 * k + 17 * L) % 97) - 48)) / 48);
    for (let o = 0; o < nOut; o++) out.push((0.1 * s * (((o * o * 5 + 3 * o + 7 * L) % 11) - 5)) / 5);
  }
  return out;
}

/** Mean cross-entropy of an MLP (ReLU between layers) over rows [start, start+bs) and its gradient. */
function lossAndGrad(sizes: number[], theta: number[], X: number[], y: number[], start: number, bs: number): { loss: number; grad: number[] } {
  const D = sizes[0];
  const offs: { w: number; b: number }[] = [];
  let o = 0;
  for (let l = 1; l < sizes.length; l++) {
    offs.push({ w: o, b: o + sizes[l] * sizes[l - 1] });
    o += sizes[l] * sizes[l - 1] + sizes[l];
  }
  const hs: number[][][] = [[]];
  for (let i = 0; i < bs; i++) hs[0].push(X.slice((start + i) * D, (start + i + 1) * D));
  const zs: number[][][] = [];
  for (let l = 1; l < sizes.length; l++) {
    const nIn = sizes[l - 1], nOut = sizes[l], { w, b } = offs[l - 1];
    const z = hs[l - 1].map((h) => Array.from({ length: nOut }, (_, j) => {
      let s = theta[b + j];
      for (let k = 0; k < nIn; k++) s += h[k] * theta[w + j * nIn + k];
      return s;
    }));
    zs.push(z);
    hs.push(l < sizes.length - 1 ? z.map((r) => r.map((v) => Math.max(v, 0))) : z);
  }
  const logits = zs[zs.length - 1];
  let loss = 0;
  let dz = logits.map((z, i) => {
    const m = Math.max(...z);
    const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
    loss += lse - z[y[start + i]];
    return z.map((v, j) => (Math.exp(v - lse) - (j === y[start + i] ? 1 : 0)) / bs);
  });
  const grad = new Array<number>(theta.length).fill(0);
  for (let l = sizes.length - 1; l >= 1; l--) {
    const nIn = sizes[l - 1], nOut = sizes[l], { w, b } = offs[l - 1], hPrev = hs[l - 1];
    for (let i = 0; i < bs; i++) for (let j = 0; j < nOut; j++) {
      grad[b + j] += dz[i][j];
      for (let k = 0; k < nIn; k++) grad[w + j * nIn + k] += dz[i][j] * hPrev[i][k];
    }
    if (l > 1) {
      const zPrev = zs[l - 2];
      dz = dz.map((d, i) => Array.from({ length: nIn }, (_, k) => {
        if (zPrev[i][k] <= 0) return 0;
        let s = 0;
        for (let j = 0; j < nOut; j++) s += d[j] * theta[w + j * nIn + k];
        return s;
      }));
    }
  }
  return { loss: loss / bs, grad };
}

/** torch.optim.SGD and SGDHD (spec §1, §1a) in float64 with the schema's batching rule. */
function oracle(sizes: number[], X: number[], y: number[], N: number, bs: number, init: number[], cls: string, c: Record<string, number | boolean>, nSteps: number): OutStep[] {
  let theta = init.slice();
  let alpha = c.lr as number;
  const wd = c.weight_decay as number, mu = c.momentum as number, damp = c.dampening as number;
  let uPrev = new Array<number>(theta.length).fill(0);
  let buf: number[] | null = null;
  const steps: OutStep[] = [];
  for (let t = 1; t <= nSteps; t++) {
    const start = bs * ((t - 1) % Math.floor(N / bs));
    const { loss, grad } = lossAndGrad(sizes, theta, X, y, start, bs);
    const g = grad.map((v, i) => v + wd * theta[i]);
    if (cls === 'SGDHD') alpha += (c.hypergrad_lr as number) * g.reduce((s, v, i) => s + v * uPrev[i], 0);
    let u = g;
    if (mu !== 0) {
      buf = buf === null ? g.slice() : buf.map((v, i) => mu * v + (1 - damp) * g[i]);
      u = c.nesterov ? g.map((v, i) => v + mu * buf![i]) : buf;
    }
    uPrev = u;
    theta = theta.map((v, i) => v - alpha * u[i]);
    steps.push({ step: t, loss, lr: alpha, params: theta.slice() });
  }
  return steps;
}

function expectMatchesOracle(mine: OutRun, gold: OutStep[], recordAt: Set<number>, id: string, rel = 1e-4): void {
  if ('error' in mine) throw new Error(`${id}: ${mine.error}`);
  expect(mine.steps.length).toBe(gold.length);
  const lrScale = Math.max(...gold.map((s) => Math.abs(s.lr)));
  gold.forEach((g, k) => {
    const m = mine.steps[k];
    const where = `${id} step ${g.step}`;
    expect(m.step).toBe(g.step);
    expect(Math.abs(m.loss - g.loss), `${where} loss ${m.loss} vs ${g.loss}`).toBeLessThanOrEqual(rel * Math.abs(g.loss));
    expect(Math.abs(m.lr - g.lr), `${where} lr ${m.lr} vs ${g.lr}`).toBeLessThanOrEqual(rel * lrScale);
    expect('params' in m, `${where} params recorded exactly where asked`).toBe(recordAt.has(g.step));
    if (m.params) {
      const scale = Math.max(...g.params!.map(Math.abs));
      const worst = Math.max(...g.params!.map((v, i) => Math.abs(m.params![i] - v)));
      expect(worst, `${where} params`).toBeLessThanOrEqual(rel * scale);
    }
  });
}

describe('trace on generated minibatch problems against a float64 oracle', () => {
  const sgdDefaults = { momentum: 0, dampening: 0, weight_decay: 0, nesterov: false };
  const cases = [
    {
      name: 'softmax regression 20-10, batch 16 of 64',
      sizes: [20, 10], bs: 16, nSteps: 20, recordAt: [1, 4, 5, 13, 20],
      runs: [
        { id: 'sgd', class: 'torch.optim.SGD', config_with_defaults: { ...sgdDefaults, lr: 0.5 } },
        { id: 'sgd_hd', class: 'SGDHD', config_with_defaults: { ...sgdDefaults, lr: 0.1, hypergrad_lr: 0.01 } },
        { id: 'sgdn_hd_wd', class: 'SGDHD', config_with_defaults: { ...sgdDefaults, lr: 0.05, momentum: 0.9, nesterov: true, weight_decay: 0.01, hypergrad_lr: 0.001 } },
      ],
    },
    {
      name: 'softmax regression 20-10, batch 24 (does not divide N = 64: rows 48..63 never used)',
      sizes: [20, 10], bs: 24, nSteps: 7, recordAt: [2, 3, 7],
      runs: [{ id: 'sgd_hd', class: 'SGDHD', config_with_defaults: { ...sgdDefaults, lr: 0.1, hypergrad_lr: 0.01 } }],
    },
    {
      name: 'MLP 20-8-10 (ReLU), batch 32 of 64',
      sizes: [20, 8, 10], bs: 32, nSteps: 20, recordAt: [1, 2, 10, 20],
      runs: [
        { id: 'sgd', class: 'torch.optim.SGD', config_with_defaults: { ...sgdDefaults, lr: 0.3 } },
        { id: 'sgd_hd', class: 'SGDHD', config_with_defaults: { ...sgdDefaults, lr: 0.1, hypergrad_lr: 0.01 } },
      ],
    },
  ];
  const { X_rowmajor: X, y, N, D, C } = P1.problem.data;

  for (const c of cases) {
    it(c.name, async () => {
      const init = initParams(c.sizes);
      const problem = {
        id: 'generated', data: { N, D, C, y, X_rowmajor: X },
        model: { layer_sizes: c.sizes, n_params: init.length },
        init: { init_params: init }, batch_size: c.bs,
      };
      const record = new Set(c.recordAt);
      const steps = Array.from({ length: c.nSteps }, (_, k) => (record.has(k + 1) ? { step: k + 1, params: [] } : { step: k + 1 }));
      const file = writeTemp(`gen-${c.sizes.join('-')}-${c.bs}.json`, { schema_version: 1, problem, runs: c.runs.map((r) => ({ ...r, steps })) });
      const r = await trace(file);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { runs: OutRun[] };
      expect(out.runs.map((x) => x.id)).toEqual(c.runs.map((x) => x.id));
      c.runs.forEach((run, i) => {
        const gold = oracle(c.sizes, X, y, N, c.bs, init, run.class, run.config_with_defaults, c.nSteps);
        expectMatchesOracle(out.runs[i], gold, record, run.id);
        // training works on these problems: the last pass over the batches is below the first
        const cycle = Math.floor(N / c.bs);
        const mean = (from: number) => gold.slice(from, from + cycle).reduce((s, x) => s + x.loss, 0) / cycle;
        expect(mean(c.nSteps - cycle)).toBeLessThan(mean(0));
      });
    });
  }
});

describe('trace on malformed input: exit code 1, one line on stderr, nothing on stdout', () => {
  const good = () => JSON.parse(JSON.stringify({ problem: P1.problem, runs: [goldRun('sgd')] })) as { problem: Record<string, any>; runs: Record<string, any>[] };
  const cases: [string, () => string[], RegExp][] = [
    ['not JSON', () => [writeTemp('bad-notjson.json', '{"problem": [1, 2')], /is not valid JSON/],
    ['missing file', () => [path.join(TMP, 'does-not-exist.json')], /cannot read .*ENOENT/],
    ['missing data', () => { const f = good(); delete f.problem.data; return [writeTemp('bad-nodata.json', f)]; }, /problem\.data is missing/],
    ['wrong X length', () => { const f = good(); f.problem.data.X_rowmajor.pop(); return [writeTemp('bad-x.json', f)]; }, /X_rowmajor has 1279 values, expected N·D = 64·20 = 1280/],
    ['wrong init_params length', () => { const f = good(); f.problem.init.init_params.push(0); return [writeTemp('bad-init.json', f)]; }, /init_params has 211 values, expected 210/],
    ['label ≥ C', () => { const f = good(); f.problem.data.y[5] = 10; return [writeTemp('bad-y.json', f)]; }, /y\[5\] = 10 is not a class label in 0\.\.9/],
    ['batch_size 0', () => { const f = good(); f.problem.batch_size = 0; return [writeTemp('bad-bs0.json', f)]; }, /batch_size 0 must be an integer ≥ 1/],
    ['batch_size > N', () => { const f = good(); f.problem.batch_size = 65; return [writeTemp('bad-bs65.json', f)]; }, /batch_size 65 is larger than N = 64/],
    ['batch_size not an integer', () => { const f = good(); f.problem.batch_size = 2.5; return [writeTemp('bad-bs25.json', f)]; }, /batch_size 2\.5 must be an integer/],
    ['missing runs', () => { const f = good() as Record<string, any>; delete f.runs; return [writeTemp('bad-noruns.json', f)]; }, /file\.runs is missing/],
    ['unknown --runs id', () => [writeTemp('ok.json', good()), '--runs', 'sgd,nope'], /--runs: no run with id "nope"/],
    ['bad --backend', () => [writeTemp('ok2.json', good()), '--backend', 'tpu'], /--backend must be cpu or wasm/],
  ];
  it.each(cases)('%s', async (_name, args, message) => {
    const r = await trace(...args());
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^trace: /);
    expect(lines[0]).toMatch(message);
  });
});
