// The one-way floors of src/: every import goes from a layer to the same layer or a LOWER one, never up.
//
// Layers, lowest first (a file belongs to the layer of the longest path below that names it):
//
//   util, sched    tiny helpers with no project imports (IndexedDB promises, yielding, the job scheduler)
//   format         numbers as people write them
//   kernels        the project's own wasm kernels registered on tfjs's wasm backend (fused Adam, conv filter gradient)
//   rl             reinforcement learning without tfjs: PPO, the controller file, the shipped controllers
//   optim          optimizers: pure math over tfjs tensors, the catalogue, schedules
//   types          src/engine/types.ts alone: the plain data every layer exchanges (TrainConfig,
//                  RunRecord, metric batches); it sits below the rest of src/engine/ because data,
//                  models and the exporters need its types but not the engine
//   config         pure validation of the page's form and per-optimizer settings
//   experiments    the reference experiments as plain data (sweep presets, shared by page and CLI)
//   data           datasets: registry, parsers, loaders, seeded batching and augmentation
//   models         networks (they draw their initial weights from data's seeded RNG)
//   engine         the training loop, evaluation, backends, replay
//   worker         the Web Worker entries and their message protocols
//   series         metric buffers and the chart pipeline (smoothing, LTTB, axes, bands, the runs table)
//   export         CSV writers and readers, the JSON sidecar (it records the runs table's numbers)
//   sweep          the α₀ sensitivity grid: pool, accumulator, form, layout, CSV
//   persist        runs in IndexedDB (records, database, the persister behind a RunsSource interface)
//   share          the configuration <-> URL codec
//   store          zustand stores and the glue that binds them to workers, storage and the URL
//   cli            Node entry points
//   ui             React components; src/main.tsx is the page's entry
//
// A new folder under src/ fails this test until it is placed in LAYERS.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const SRC = join(ROOT, 'src');

/** Lowest first; each entry: the layer's name and the paths (relative to src/) that belong to it. */
export const LAYERS: readonly { name: string; paths: readonly string[] }[] = [
  { name: 'util', paths: ['util/', 'sched/'] },
  { name: 'format', paths: ['format/'] },
  { name: 'kernels', paths: ['kernels/'] },
  { name: 'rl', paths: ['rl/'] },
  { name: 'optim', paths: ['optim/'] },
  { name: 'types', paths: ['engine/types.ts'] },
  { name: 'config', paths: ['config/'] },
  { name: 'experiments', paths: ['experiments/'] },
  { name: 'data', paths: ['data/'] },
  { name: 'models', paths: ['models/'] },
  { name: 'engine', paths: ['engine/'] },
  { name: 'worker', paths: ['worker/'] },
  { name: 'series', paths: ['series/'] },
  { name: 'export', paths: ['export/'] },
  { name: 'sweep', paths: ['sweep/'] },
  { name: 'persist', paths: ['persist/'] },
  { name: 'share', paths: ['share/'] },
  { name: 'store', paths: ['store/'] },
  { name: 'cli', paths: ['cli/'] },
  { name: 'sw', paths: ['sw/'] },
  { name: 'ui', paths: ['ui/', 'main.tsx'] },
];

/** The layer index of a path relative to src/ (longest matching entry), or -1 when no layer names it. */
export function layerOf(rel: string): number {
  let best = -1;
  let bestLen = -1;
  LAYERS.forEach((layer, i) => {
    for (const p of layer.paths) {
      const hit = p.endsWith('/') ? rel.startsWith(p) : rel === p;
      if (hit && p.length > bestLen) {
        best = i;
        bestLen = p.length;
      }
    }
  });
  return best;
}

/** Relative specifiers a source text imports: static, re-exports, side-effect, dynamic, and `new URL(…, import.meta.url)` (workers). */
export function importsOf(text: string): string[] {
  const info = ts.preProcessFile(text, true, true);
  const specs = info.importedFiles.map((f) => f.fileName);
  for (const m of text.matchAll(/new\s+URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g)) specs.push(m[1]);
  return specs.filter((s) => s.startsWith('.'));
}

/** Resolves `spec` imported by `fromRel` (both relative to src/) to a path relative to src/, with its extension when the file exists. */
function resolveSpec(fromRel: string, spec: string): string {
  const target = relative(SRC, resolve(SRC, dirname(fromRel), spec)).split('\\').join('/');
  for (const ext of ['', '.ts', '.tsx', '/index.ts', '/index.tsx']) {
    const p = join(SRC, target + ext);
    try {
      if (statSync(p).isFile()) return target + ext;
    } catch {
      // try the next extension
    }
  }
  return target;
}

export interface Edge {
  from: string;
  to: string;
  fromLayer: string;
  toLayer: string;
}

/** Every import of `files` (path relative to src/ -> text) that goes up a layer, plus files and targets in src/ that no layer names. */
export function violations(files: ReadonlyMap<string, string>): { backEdges: Edge[]; unplaced: string[] } {
  const backEdges: Edge[] = [];
  const unplaced = new Set<string>();
  for (const [from, text] of files) {
    const lf = layerOf(from);
    if (lf < 0) unplaced.add(from);
    for (const spec of importsOf(text)) {
      const to = resolveSpec(from, spec);
      if (to.startsWith('..')) continue; // outside src/ (package.json)
      const lt = layerOf(to);
      if (lt < 0) {
        unplaced.add(to);
        continue;
      }
      if (lf >= 0 && lt > lf) backEdges.push({ from, to, fromLayer: LAYERS[lf].name, toLayer: LAYERS[lt].name });
    }
  }
  return { backEdges, unplaced: [...unplaced] };
}

function sourceFiles(dir: string, out = new Map<string, string>()): Map<string, string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sourceFiles(p, out);
    else if (/\.tsx?$/.test(name)) out.set(relative(SRC, p).split('\\').join('/'), readFileSync(p, 'utf8'));
  }
  return out;
}

describe('layers', () => {
  it('no import in src/ goes from a lower layer to a higher one, and every file has a layer', () => {
    const files = sourceFiles(SRC);
    expect(files.size).toBeGreaterThan(100);
    const { backEdges, unplaced } = violations(files);
    expect(unplaced, 'files or folders no layer names: add them to LAYERS').toEqual([]);
    expect(backEdges.map((e) => `${e.from} (${e.fromLayer}) -> ${e.to} (${e.toLayer})`)).toEqual([]);
  });

  it('finds a back-edge of every import form (the check itself works)', () => {
    const files = new Map([
      ['series/seedBands.ts', "import { formatRate } from '../cli/summary';\n"],
      ['persist/persister.ts', "import type { RunsState } from '../store/runsStore';\n"],
      ['engine/types.ts', "export { run } from '../engine/trainer';\n"],
      ['data/loader.ts', "const m = await import('../store/dataset');\n"],
      ['engine/backend.ts', "new Worker(new URL('../ui/App.tsx', import.meta.url));\n"],
      ['optim/hyper.ts', "import '../models/build';\n// import x from '../ui/App' (a comment is not an import)\n"],
      ['ui/App.tsx', "import { run } from '../engine/trainer';\nimport x from '../../package.json';\n"],
      ['store/x.ts', "import { y } from './runsStore';\n"],
    ]);
    const { backEdges } = violations(files);
    expect(backEdges.map((e) => `${e.fromLayer}->${e.toLayer}`)).toEqual([
      'series->cli', 'persist->store', 'types->engine', 'data->store', 'engine->ui', 'optim->models',
    ]);
    expect(violations(new Map([['newfolder/x.ts', '']])).unplaced).toEqual(['newfolder/x.ts']);
  });

  it('places files by the longest path that names them', () => {
    expect(LAYERS[layerOf('engine/types.ts')].name).toBe('types');
    expect(LAYERS[layerOf('engine/trainer.ts')].name).toBe('engine');
    expect(LAYERS[layerOf('main.tsx')].name).toBe('ui');
    expect(layerOf('nowhere/x.ts')).toBe(-1);
  });
});
