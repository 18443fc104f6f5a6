// Import CSV's parser: the hand-written RFC 4180 row reader (src/export/csvRows.ts) against papaparse,
// on a 24 MB tidy CSV written by the app's own writer (6 runs × 20,000 iterations × train_loss/lr, plus
// evaluations), in the same process: time to parse (median of 5, the two alternating), correctness on
// quoted fields / CRLF / BOM / the formula prefix, and code size.
//   npx tsx bench/csv-parse.ts [--quick] [--all]   (--all: also parse into arrays of all rows, as papaparse's default)
// papaparse is not a dependency of the app (see the README): run `npm install --no-save papaparse@5.7.1`
// first; without it only the hand-written reader is measured.
import { readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import type { RunRecord, TrainConfig } from '../src/engine/types';
import { restoreFormula } from '../src/export/csv';
import { forEachRow } from '../src/export/csvRows';
import { importTidyCsv } from '../src/export/importCsv';
import { tidyCsv } from '../src/export/tidyCsv';

interface PapaResult { data: string[][]; errors: { type: string; code: string; row?: number }[] }
interface Papa {
  parse(text: string, config: Record<string, unknown>): PapaResult;
}
const require = createRequire(import.meta.url);
let papa: Papa | null = null;
let papaPath = '';
try {
  papaPath = require.resolve('papaparse');
  papa = require('papaparse') as Papa;
} catch {
  console.log('papaparse is not installed: only the hand-written reader is measured (npm install --no-save papaparse@5.7.1).');
}

const quick = process.argv.includes('--quick');
const all = process.argv.includes('--all');
const ROUNDS = 5;

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function config(): TrainConfig {
  return {
    dataset: 'mnist', model: 'logreg', optimizer: 'SGD-HD', alpha0: 0.001, beta: 0.001, momentum: 0.9,
    weightDecay: 1e-4, batchSize: 128, epochs: 43, iterations: null, seed: 1, evalEvery: null,
  };
}

/** 6 runs × n iterations, as the page would export them (the importCsv test's big file). */
function runs(n: number, id: (r: number) => string): RunRecord[] {
  const it = Array.from({ length: n }, (_, i) => i + 1);
  return Array.from({ length: 6 }, (_, r) => ({
    runId: id(r), config: config(), backend: 'wasm', state: 'done',
    train: { iteration: it, epoch: it.map((i) => Math.ceil(i / 469)), time: it.map((i) => i / 100), loss: it.map((i) => 2 / Math.sqrt(i + r)), lr: it.map((i) => 0.001 + i * 1e-9 * (r + 1)) },
    evals: Array.from({ length: 43 }, (_, k) => ({ iteration: k * 469, epoch: k, time: k, valLoss: 1 / (k + 1), valAccuracy: 0.9 })),
  }));
}

// ---------- the two row readers, each giving every row's fields (formula prefix undone) ----------

function handRows(text: string): string[][] {
  const rows: string[][] = [];
  forEachRow(text, (fields) => rows.push(fields), () => null);
  return rows;
}

function papaRows(text: string): string[][] {
  if (!papa) throw new Error('no papaparse');
  // Strings only (no dynamic typing), blank lines skipped, the formula prefix undone per field.
  const res = papa.parse(text, { skipEmptyLines: true, transform: (v: string) => restoreFormula(v) });
  if (res.errors.length > 0) throw new Error(`papaparse: ${res.errors.map((e) => e.code).join(', ')}`);
  return res.data;
}

// Streaming, as the import uses its reader: each row handed to a callback and dropped (the importer
// keeps numbers, not rows). Both count fields so that the work is not optimised away.

function handStream(text: string): number {
  let n = 0;
  forEachRow(text, (fields) => (n += fields.length), () => null);
  return n;
}

/** papaparse streaming (a step callback per row, as it would run chunk by chunk in a worker), prefix undone per field. */
function papaStep(text: string): number {
  if (!papa) throw new Error('no papaparse');
  let n = 0;
  papa.parse(text, {
    skipEmptyLines: true,
    step: (r: { data: string[] }) => {
      const f = r.data;
      for (let k = 0; k < f.length; k++) if (f[k].charCodeAt(0) === 39) f[k] = restoreFormula(f[k]);
      n += f.length;
    },
  });
  return n;
}

function time(label: string, fn: () => unknown, others: Record<string, () => unknown>): void {
  const all: Record<string, number[]> = { [label]: [] };
  for (const k of Object.keys(others)) all[k] = [];
  const fns: [string, () => unknown][] = [[label, fn], ...Object.entries(others)];
  fns.forEach(([, f]) => f()); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order so that neither side always runs on a warmer (or more fragmented) heap.
    const order = round % 2 === 0 ? fns : [...fns].reverse();
    for (const [name, f] of order) {
      const t0 = performance.now();
      f();
      all[name].push(performance.now() - t0);
    }
  }
  for (const [name, v] of Object.entries(all)) {
    console.log(`  ${name.padEnd(34)} median ${median(v).toFixed(0).padStart(5)} ms   (${v.map((x) => x.toFixed(0)).join(', ')})`);
  }
}

// ---------- correctness ----------

const CASES: { name: string; text: string; rows: string[][] }[] = [
  { name: 'quoted comma, quote, LF', text: 'a,b\n"x,1","say ""hi""\nthere"\n', rows: [['a', 'b'], ['x,1', 'say "hi"\nthere']] },
  { name: 'CRLF rows', text: 'a,b\r\n1,2\r\n3,4\r\n', rows: [['a', 'b'], ['1', '2'], ['3', '4']] },
  { name: 'BOM', text: '\uFEFFrun_id,x\n1,2\n', rows: [['run_id', 'x'], ['1', '2']] },
  { name: 'formula prefix', text: `a,b\n'=1+1,-0.5\n"'@SUM(A1)",'\t=1\n`, rows: [['a', 'b'], ['=1+1', '-0.5'], ['@SUM(A1)', '\t=1']] },
  { name: 'empty fields, no final LF', text: 'a,,b\n,,\n1,2,3', rows: [['a', '', 'b'], ['', '', ''], ['1', '2', '3']] },
];

function checkCorrectness(name: string, parse: (t: string) => string[][]): void {
  for (const c of CASES) {
    let got: unknown;
    try {
      got = parse(c.text);
    } catch (e) {
      got = String(e);
    }
    const ok = JSON.stringify(got) === JSON.stringify(c.rows);
    console.log(`  ${name.padEnd(12)} ${c.name.padEnd(28)} ${ok ? 'ok' : `WRONG: ${JSON.stringify(got)}`}`);
  }
  // Malformed input: the import must say where. An unclosed quote and a quote inside a field.
  for (const bad of ['a,b\n"x,1\n', 'a,b\nx"y,1\n']) {
    let what: string;
    try {
      const rows = parse(bad);
      what = `accepted as ${JSON.stringify(rows)}`;
    } catch (e) {
      what = `refused: ${e instanceof Error ? e.message : String(e)}`;
    }
    console.log(`  ${name.padEnd(12)} ${JSON.stringify(bad).padEnd(28)} ${what}`);
  }
}

const n = quick ? 2_000 : 20_000;
const plain = tidyCsv(runs(n, (r) => `run${r}`));
// Run ids that must be quoted (a comma): every row of the file then has a quoted field, which turns
// off papaparse's quote-free fast path.
const quoted = tidyCsv(runs(n, (r) => `SGD-HD, seed ${r}`));
console.log(`tidy CSV: 6 runs × ${n.toLocaleString('en')} iterations: ${(plain.length / 1e6).toFixed(1)} MB, ${plain.split('\n').length - 2} rows (quoted-id file ${(quoted.length / 1e6).toFixed(1)} MB)`);

const same = (a: string[][], b: string[][]) => a.length === b.length && a.every((r, i) => r.length === b[i].length && r.every((f, j) => f === b[i][j]));
if (papa) {
  for (const [label, text] of [['plain', plain], ['quoted ids', quoted]] as const) {
    console.log(`same rows from both on the ${label} file: ${same(handRows(text), papaRows(text))}`);
  }
}

for (const [label, text] of [['plain file', plain], ['quoted-id file', quoted]] as const) {
  console.log(`\nparse, ${label} (median of ${ROUNDS}, same process, alternating):`);
  time('hand-written, streaming', () => handStream(text), papa ? { 'papaparse, step callback': () => papaStep(text) } : {});
  // Keeping every row's fields (millions of strings) is mostly garbage collection: only with --all.
  if (all) time('hand-written, all rows kept', () => handRows(text), papa ? { 'papaparse, all rows kept': () => papaRows(text) } : {});
}

console.log('\nwhole import for scale (importTidyCsv: rows + runs), plain file:');
time('importTidyCsv', () => importTidyCsv(plain), {});

console.log('\ncorrectness:');
checkCorrectness('hand', handRows);
if (papa) checkCorrectness('papaparse', papaRows);

console.log('\ncode size:');
const own = readFileSync(new URL('../src/export/csvRows.ts', import.meta.url), 'utf8');
const code = own.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('//') && !l.trim().startsWith('*') && !l.trim().startsWith('/**'));
console.log(`  hand-written: src/export/csvRows.ts ${own.split('\n').length} lines (${code.length} of code), ${own.length} bytes of source, ${gzipSync(own).length} gzipped`);
if (papa) {
  const min = papaPath.replace(/papaparse\.js$/, 'papaparse.min.js');
  const src = readFileSync(min);
  console.log(`  papaparse: ${min.split('node_modules/')[1]} ${statSync(min).size} bytes minified, ${gzipSync(src).length} gzipped (full source ${statSync(papaPath).size} bytes)`);
}
