// `npm run bench:suite` (bench/suite.ts): the command line, the statistics, the ratio and the tables (pure, from
// bench/suite-lib.ts), and one real `--quick --no-torch` run as a child process checked for its output's shape.
// No timing assertions: this is a smoke test of a benchmark.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommandLine, type Parsed } from '../../src/cli/args';
import {
  BENCH_SUITE,
  COLUMNS,
  QUICK,
  WORKLOADS,
  fmtMs,
  formatTable,
  markdown,
  markdownTable,
  median,
  min,
  ratio,
  suiteOptions,
  toRow,
  type RunInfo,
  type WorkloadResult,
} from '../../bench/suite-lib';

const ROOT = path.resolve(__dirname, '../..');

function parse(argv: string[]): Parsed {
  const p = parseCommandLine(BENCH_SUITE, argv);
  if (p === 'help') throw new Error('help');
  return p;
}

describe('bench:suite command line', () => {
  it('defaults: every workload, 5 rounds, PyTorch on, bench/RESULTS.md', () => {
    const o = suiteOptions(parse([]));
    expect(o.workloads.map((w) => w.name)).toEqual(WORKLOADS.map((w) => w.name));
    expect(o).toMatchObject({ quick: false, rounds: 5, steps: null, torch: true, torchMalloc: true, out: 'bench/RESULTS.md' });
    expect(suiteOptions(parse(['--torch-default-malloc'])).torchMalloc).toBe(false);
  });

  it('the issue\'s workloads are all there', () => {
    const key = (w: (typeof WORKLOADS)[number]) => `${w.model}/${w.batch}/${w.width}`;
    expect(WORKLOADS.map(key)).toEqual(
      expect.arrayContaining(['ffnn100/100/1', 'mlp/128/1', 'lenet5/128/1', 'vgg16bn/128/0.125', 'logreg/32/1', 'lenet5/32/1', 'vgg16bn/32/0.125']),
    );
    expect(new Set(WORKLOADS.map((w) => w.name)).size).toBe(WORKLOADS.length);
  });

  it('--quick: the small workloads, few rounds and steps, no file', () => {
    const o = suiteOptions(parse(['--quick', '--no-torch']));
    expect(o.workloads.length).toBeGreaterThan(0);
    expect(o.workloads.every((w) => w.quick && (w.model === 'logreg' || w.model === 'ffnn100'))).toBe(true);
    expect(o).toMatchObject({ quick: true, rounds: QUICK.rounds, steps: QUICK.steps, warmup: QUICK.warmup, torch: false, out: null });
    expect(suiteOptions(parse(['--quick', '--rounds', '3'])).rounds).toBe(3);
  });

  it('--only picks workloads in the suite\'s order and writes no file unless --out', () => {
    const o = suiteOptions(parse(['--only', 'vgg8-b32, ffnn-b100']));
    expect(o.workloads.map((w) => w.name)).toEqual(['ffnn-b100', 'vgg8-b32']);
    expect(o.out).toBeNull();
    expect(suiteOptions(parse(['--only', 'mlp-b128', '--out', '/tmp/x.md'])).out).toBe('/tmp/x.md');
  });

  it('bad values are usage errors naming the flag', () => {
    expect(() => suiteOptions(parse(['--rounds', '0']))).toThrow(/--rounds/);
    expect(() => suiteOptions(parse(['--rounds', 'two']))).toThrow(/--rounds/);
    expect(() => suiteOptions(parse(['--only', 'resnet']))).toThrow(/--only: unknown resnet/);
    expect(() => suiteOptions(parse(['--only', ',']))).toThrow(/--only: none given/);
    expect(() => parse(['--no-torch=1'])).toThrow(/takes no value/);
    expect(() => parse(['--frobnicate'])).toThrow(/unknown option/);
  });
});

describe('bench:suite numbers and tables', () => {
  it('median (even and odd counts), min, ratio = torch / project', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(Number.isNaN(median([]))).toBe(true);
    expect(min([3, 1, 2])).toBe(1);
    expect(ratio(30, 44)).toBeCloseTo(30 / 44);
    expect(ratio(59, 216)).toBeCloseTo(0.273, 3);
    expect(Number.isNaN(ratio(NaN, 2))).toBe(true);
    expect(Number.isNaN(ratio(1, 0))).toBe(true);
    expect(fmtMs(216.4)).toBe('216');
    expect(fmtMs(44.04)).toBe('44.0');
    expect(fmtMs(0.291)).toBe('0.29');
    expect(fmtMs(NaN)).toBe('—');
  });

  const ffnn = WORKLOADS.find((w) => w.name === 'ffnn-b100')!;
  const logreg = WORKLOADS.find((w) => w.name === 'logreg-b32')!;
  const results: WorkloadResult[] = [
    { workload: ffnn, project: [2.5, 2.4, 2.6], baseline: [3, 3.5, 2.9], torch: [0.3, 0.28, 0.29], tensorsBefore: 0, tensorsAfter: 0, maxLeak: 0 },
    { workload: logreg, project: [1, 1.2], baseline: [], torch: [], tensorsBefore: 0, tensorsAfter: 3, maxLeak: 3 },
  ];

  it('a row: medians, mins, ratio of the medians, the previous values and their ratio, tensors and leaks', () => {
    const [a, b] = results.map(toRow);
    expect(a).toMatchObject({ projectMedian: 2.5, projectMin: 2.4, baselineMedian: 3, torchMedian: 0.29, torchMin: 0.28, previous: { project: 2.4, torch: 0.29 } });
    expect(a.ratio).toBeCloseTo(0.29 / 2.5);
    expect(a.speedup).toBeCloseTo(3 / 2.5);
    expect(a.baselineRatio).toBeCloseTo(0.29 / 3);
    expect(Number.isNaN(b.speedup)).toBe(true);
    expect(a.previous!.ratio).toBeCloseTo(0.29 / 2.4);
    expect(a.tensors).toBe('0→0');
    expect(Number.isNaN(b.ratio)).toBe(true);
    expect(b.previous).toBeNull();
    expect(b.tensors).toMatch(/LEAK 3/);
  });

  it('the stdout table: header, rule, one aligned line per workload; — where PyTorch has no number', () => {
    const lines = formatTable(results.map(toRow)).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0].split(' | ').map((s) => s.trim())).toEqual(COLUMNS);
    expect(lines[1]).toMatch(/^[-|]+$/);
    expect(lines[2]).toMatch(/^ffnn-b100 +\| FFNN 784-100-10 +\| +100 \| +2\.50 \| +2\.40 \| +3\.00 \| +1\.20 \| +0\.29 \| +0\.28 \| +0\.12 \| +0\.10 \| +2\.40 \| +0\.29 \| +0\.12 \| 0→0$/);
    expect(lines[3]).toContain('—');
    // Columns line up: every '|' of the rows where the header has one.
    const bars = (l: string) => [...l].flatMap((c, i) => (c === '|' ? [i] : []));
    expect(bars([...lines[2]].join(''))).toEqual(bars(lines[0]));
  });

  it('RESULTS.md: CPU, versions, BLAS, the unset variables, the markdown table', () => {
    const info: RunInfo = {
      date: '2026-12-04T13:00:00Z', cpu: 'AMD EPYC (family 26, model 2, AVX-512)', cores: 2, node: 'v20.19.0', tfjs: '4.22.0', backend: 'wasm',
      wasmSimd: true, threadCount: 1, ownKernels: 'on', rounds: 3, warmup: 3, steps: { 'ffnn-b100': 300 }, load: [1, 2],
      torch: { torch: '1.13.0a0', python: '3.11.2', executable: '/usr/bin/python3', threads: 1, mkldnn: true, blasInfo: 'generic',
        blas: { kind: 'OpenBLAS', libraries: ['/usr/lib/x/libblas.so.3'], openblasConfig: 'OpenBLAS 0.3.21 DYNAMIC_ARCH', openblasCore: 'Cooperlake', sgemm512GflopsPerS: 100 } },
      unsetForTorch: { OPENBLAS_CORETYPE: 'Haswell' },
      setForTorch: { OMP_NUM_THREADS: '1', MALLOC_TRIM_THRESHOLD_: '1073741824' },
    };
    const md = markdown(info, results.map(toRow));
    expect(md).toContain('AMD EPYC (family 26, model 2, AVX-512)');
    expect(md).toContain('tfjs 4.22.0');
    expect(md).toContain('PyTorch: 1.13.0a0');
    expect(md).toContain('OpenBLAS 0.3.21 DYNAMIC_ARCH, core Cooperlake');
    expect(md).toContain('OPENBLAS_CORETYPE=Haswell unset for the PyTorch side only');
    expect(md).toContain('OMP_NUM_THREADS=1 MALLOC_TRIM_THRESHOLD_=1073741824 (glibc malloc keeps its memory');
    expect(md).toContain(markdownTable(results.map(toRow)));
    expect(markdownTable(results.map(toRow)).split('\n')[1]).toMatch(/^\| :--- \| :--- \| ---: /);
    const none = markdown({ ...info, torch: { missing: '--no-torch' }, unsetForTorch: {}, setForTorch: {} }, results.map(toRow));
    expect(none).toContain('PyTorch: not measured (--no-torch)');
  });
});

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'bench/suite.ts', ...args], { cwd: ROOT, timeout: 100_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('bench:suite as a command', () => {
  it('--help: the usage, exit 0; a bad flag: one line on stderr, exit 2', async () => {
    const [help, bad] = await Promise.all([cli(['--help']), cli(['--only', 'nope'])]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run bench:suite -- /);
    expect(help.stdout).toContain('--no-torch');
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^bench:suite: --only: unknown nope \(takes ffnn-b100, .*\); see npm run bench:suite -- --help$/m);
  });

  it('--quick --no-torch runs the small workloads on wasm and prints the table, no leak (shape only, no timings)', async () => {
    const r = await cli(['--quick', '--no-torch']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/backend wasm, SIMD (true|false), threads 1\b/);
    expect(r.stdout).toContain('PyTorch: not measured (--no-torch)');
    expect(r.stdout).toContain('own wasm kernels: on; baseline: the same step with them off');
    const lines = r.stdout.split('\n');
    const header = lines.findIndex((l) => l.startsWith('workload '));
    expect(header).toBeGreaterThan(0);
    const quick = WORKLOADS.filter((w) => w.quick);
    for (const [k, w] of quick.entries()) {
      const cellsOf = lines[header + 2 + k].split(' | ').map((s) => s.trim());
      expect(cellsOf[0]).toBe(w.name);
      expect(Number(cellsOf[3])).toBeGreaterThan(0); // project median
      expect(Number(cellsOf[5])).toBeGreaterThan(0); // the same step with tfjs's kernels only
      expect(Number(cellsOf[6])).toBeGreaterThan(0); // its ratio to the project's
      expect(cellsOf[7]).toBe('—'); // no torch
      expect(cellsOf[14]).toMatch(/^\d+→\d+$/);
      expect(r.stdout).toMatch(new RegExp(`${w.name}: tensors before \\d+, after \\d+ \\(no leak\\)`));
    }
    expect(r.stdout).not.toContain('wrote ');
  });
});
