// The page side of Adam + learned schedule (issue 11, item 6): the controller decisions' path through the
// series buffers, IndexedDB chunks, the tidy CSV (ctrl:* rows) and its import; loaded controller files
// (validation, the file: ref, storage); the worker's controller resolution; the share link's
// options.controller; labels; the Controller inputs panel's pure pieces.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTROLLER_FEATURES, type ControllerRecord, type RunRecord, type TrainConfig } from '../../src/engine/types';
import { importTidyCsv } from '../../src/export/importCsv';
import { CTRL_METRICS, tidyCsv } from '../../src/export/tidyCsv';
import { fromPersistedRun, isControllerRecord, mergeChunks, toPersistedRun } from '../../src/persist/runRecords';
import { SeriesBuffers } from '../../src/series/buffers';
import { shownName } from '../../src/series/optimizerNames';
import { cellText, type TableRow } from '../../src/series/runsTable';
import { configTexts, decodeConfig, encodeConfig, type PageConfig } from '../../src/share/urlConfig';
import {
  addControllerFile,
  controllerChoices,
  controllerFileRef,
  controllerStartFields,
  LIST_KEY,
  loadedControllerLabel,
  readLoaded,
  storedControllerText,
  TEXT_KEY_PREFIX,
  type KeyValueStorage,
} from '../../src/store/controllers';
import { createRunsStore } from '../../src/store/runsStore';
import { runLabel } from '../../src/store/runSpecs';
import { validateOptimizerOptions } from '../../src/config/optimizerOptions';
import { controllerSummary, featureColumn, featureYAxis, FEATURE_NAMES } from '../../src/ui/controllerSeries';
import { missingControllerMessage, resolveController, shippedControllerUrl } from '../../src/worker/learnedController';
import { batch, meta, MemoryRunDb, persistedPage } from './persistHelpers';
import { D } from './pageConfigArbs';

const SHIPPED = readFileSync(new URL('../../public/controllers/mnist-mlp3-discrete.json', import.meta.url), 'utf8');

function memoryStorage(): KeyValueStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
}

function config(over: Partial<TrainConfig> = {}): TrainConfig {
  return {
    dataset: 'mnist', model: 'mlp3', optimizer: 'Adam-Learned', alpha0: 0.001, beta: 1e-7, momentum: 0.9,
    weightDecay: 0, batchSize: 100, epochs: 1, iterations: 30, seed: 1, evalEvery: null, ...over,
  };
}

const decision = (iteration: number, factor: number, lr: number): ControllerRecord => ({
  iteration,
  features: [2.3 - iteration / 100, 2.2 - iteration / 100, 0.01 * iteration, 1e-4, -0.002, 0.0031, lr / factor],
  factor,
  lr,
});

function learnedRecord(): RunRecord {
  const its = Array.from({ length: 21 }, (_, i) => i + 1);
  return {
    runId: 'r1-Adam-Learned',
    config: config(),
    backend: 'wasm',
    state: 'done',
    train: {
      iteration: its,
      epoch: its.map(() => 1),
      loss: its.map((i) => 2.3 - i / 50),
      lr: its.map((i) => (i <= 10 ? 1e-3 : i <= 20 ? 1e-3 * 1.05 : 1e-3)),
      time: its.map((i) => i / 10),
    },
    evals: [
      { iteration: 0, epoch: 0, time: 0, valLoss: 2.31, valAccuracy: 0.1 },
      { iteration: 21, epoch: 1, time: 2.1, valLoss: 1.9, valAccuracy: 0.6 },
    ],
    controller: [decision(10, 1.05, 1e-3 * 1.05), decision(20, 1 / 1.05, 1e-3), decision(21, 1, 1e-3)],
  };
}

describe('tidy CSV: ctrl:* rows', () => {
  it('one row per feature, the factor and the next α at each decision, after the train rows of its iteration', () => {
    const rows = tidyCsv([learnedRecord()]).split('\n').slice(1).filter(Boolean).map((l) => l.split(','));
    const metricsAt = (it: number) => rows.filter((r) => r[8] === String(it)).map((r) => r[10]);
    expect(metricsAt(10)).toEqual(['train_loss', 'lr', ...CTRL_METRICS]);
    expect(CTRL_METRICS).toEqual([...CONTROLLER_FEATURES.map((f) => `ctrl:${f}`), 'ctrl:factor', 'ctrl:next_lr']);
    // The last decision (t = the last step) comes before that iteration's evaluation.
    expect(metricsAt(21)).toEqual(['train_loss', 'lr', ...CTRL_METRICS, 'val_loss', 'val_accuracy']);
    const at10 = rows.filter((r) => r[8] === '10' && r[10].startsWith('ctrl:'));
    expect(at10.find((r) => r[10] === 'ctrl:factor')![11]).toBe('1.05');
    expect(Number(at10.find((r) => r[10] === 'ctrl:next_lr')![11])).toBeCloseTo(1.05e-3, 15);
    expect(at10.find((r) => r[10] === 'ctrl:val_loss')![11]).toBe('2.1');
    // A run without decisions has no ctrl: rows.
    const { controller: _c, ...plain } = learnedRecord();
    void _c;
    expect(tidyCsv([{ ...plain, config: config({ optimizer: 'Adam' }) }])).not.toContain('ctrl:');
  });

  it('decisions at iterations without a training point are written in order (epoch of the point before)', () => {
    const rec = learnedRecord();
    rec.controller = [decision(25, 1, 1e-3)];
    const lines = tidyCsv([rec]).split('\n');
    const first = lines.findIndex((l) => l.includes(',ctrl:train_loss,'));
    expect(lines[first].split(',')[8]).toBe('25');
    expect(lines.slice(first).filter((l) => l.includes('ctrl:')).length).toBe(CTRL_METRICS.length);
  });

  it('reads back: the same decisions, and the same bytes again', () => {
    const rec = learnedRecord();
    const text = tidyCsv([rec]);
    const back = importTidyCsv(text).runs;
    expect(back).toHaveLength(1);
    expect(back[0].controller).toEqual(rec.controller);
    expect(back[0].config.options).toBeUndefined(); // the default controller is not written
    expect(tidyCsv(back)).toBe(text);
  });

  it("a loaded controller's ref goes through the options cell", () => {
    const rec = { ...learnedRecord(), config: config({ options: { controller: 'file:0123456789abcdef' } }) };
    const text = tidyCsv([rec]);
    expect(text).toContain('controller=file:0123456789abcdef');
    expect(importTidyCsv(text).runs[0].config.options).toEqual({ controller: 'file:0123456789abcdef' });
  });

  it('refuses a decision that lacks one of its rows, naming it', () => {
    const text = tidyCsv([learnedRecord()]);
    const cut = text.split('\n').filter((l) => !(l.includes(',ctrl:factor,') && l.split(',')[8] === '20')).join('\n');
    expect(() => importTidyCsv(cut)).toThrow(/iteration 20 of run "r1-Adam-Learned" has ctrl: rows but no "ctrl:factor" row/);
    const twice = text.replace(/(.*,10,1,ctrl:lr,.*\n)/, '$1$1');
    expect(() => importTidyCsv(twice)).toThrow(/ctrl:lr of iteration 10 .* appears twice/);
    expect(() => importTidyCsv(text.replace(',ctrl:lr,', ',ctrl:nope,'))).toThrow(/unknown metric "ctrl:nope"/);
  });
});

describe('series buffers and storage: controller decisions', () => {
  it('buffers append, tail, copy and load them', () => {
    const b = new SeriesBuffers();
    b.appendBatch({ ...batch('r', 1, 10), controller: [decision(10, 1.05, 1.05e-3)] });
    b.appendBatch({ ...batch('r', 11, 10), controller: [decision(20, 1, 1.05e-3)] });
    expect(b.controllerCount('r')).toBe(2);
    expect(b.controller('r').map((c) => c.iteration)).toEqual([10, 20]);
    expect(b.tail('r', 20, 0, 0, 1).controller?.map((c) => c.iteration)).toEqual([20]);
    expect(b.tail('r', 20, 0, 0, 2).controller).toBeUndefined();
    expect(b.get('r').controller).toEqual([decision(10, 1.05, 1.05e-3), decision(20, 1, 1.05e-3)]);
    expect(b.view('r')!.controller).toHaveLength(2);
    b.load('s', { ...b.get('r') });
    expect(b.get('s').controller).toEqual(b.get('r').controller);
    b.appendBatch(batch('plain', 1, 3));
    expect(b.get('plain')).not.toHaveProperty('controller');
    expect(b.controllerCount('plain')).toBe(0);
  });

  it('chunks keep them; a malformed decision makes its chunk unreadable; older chunks read as none', () => {
    expect(isControllerRecord(decision(10, 1.05, 1e-3))).toBe(true);
    expect(isControllerRecord({ iteration: 10, features: ['x'], factor: 1, lr: 1 })).toBe(false);
    expect(isControllerRecord({ iteration: 10, features: [1], factor: 1 })).toBe(false);
    const b = new SeriesBuffers();
    b.appendBatch({ ...batch('r', 1, 10), controller: [decision(10, 1.05, 1e-3)] });
    const c0 = { key: 'k', seq: 0, ...b.tail('r', 0, 0, 0, 0) };
    b.appendBatch({ ...batch('r', 11, 10), controller: [decision(20, 1, 1e-3)] });
    const c1 = { key: 'k', seq: 1, ...b.tail('r', 10, c0.evals.length, 0, 1) };
    const merged = mergeChunks(structuredClone([c1, c0]));
    expect(merged.controller?.map((c) => c.iteration)).toEqual([10, 20]);
    const { controller: _x, ...older } = c0;
    void _x;
    expect(mergeChunks([older]).controller).toBeUndefined();
    expect(mergeChunks([{ ...c0, controller: [{ iteration: 'x' }] }]).train.iteration.length).toBe(0);
  });

  it('the persister writes them with the points and a restore brings them back', async () => {
    const db = new MemoryRunDb();
    const mk = () => persistedPage(db);
    const a = mk();
    a.store.getState().addRuns([meta('r1-l')]);
    a.buffers.appendBatch({ ...batch('r1-l', 1, 10), controller: [decision(10, 1.05, 1e-3)] });
    await a.persister.flush();
    // A decision alone (the trainer sends them in batches of their own) is written too.
    a.buffers.appendBatch({ runId: 'r1-l', train: { iteration: [], epoch: [], loss: [], lr: [], time: [] }, evals: [], controller: [decision(20, 1, 1e-3)] });
    await a.persister.flush();
    expect(db.writes.map((w) => w.chunks.map((c) => c.controller?.map((r) => r.iteration)))).toEqual([[[10]], [[20]]]);
    const b = mk();
    expect(await b.persister.restore()).toBe(1);
    expect(b.buffers.controller('r1-l')).toEqual(a.buffers.controller('r1-l'));
  });

  it("a stored run keeps its controller's ref", () => {
    const m = meta('r1-l', { config: config({ options: { controller: 'file:0123456789abcdef' } }) });
    const back = fromPersistedRun(structuredClone(toPersistedRun(m, 'k', 1)));
    expect(back?.meta.config.options).toEqual({ controller: 'file:0123456789abcdef' });
  });

  it('an imported CSV brings its decisions into the page', () => {
    const buffers = new SeriesBuffers();
    const store = createRunsStore(buffers);
    const ids = store.getState().importRuns(importTidyCsv(tidyCsv([learnedRecord()])).runs);
    expect(buffers.controller(ids[0])).toEqual(learnedRecord().controller);
    expect(store.getState().runs[ids[0]].label).toBe('Adam + learned schedule (imported)');
  });
});

describe('loaded controller files', () => {
  it('names a file by file: and the first 16 hex digits of its SHA-256', async () => {
    const ref = await controllerFileRef(SHIPPED);
    expect(ref).toBe('file:' + createHash('sha256').update(SHIPPED, 'utf8').digest('hex').slice(0, 16));
  });

  it('keeps a good file (text and list), lists it by file name, dataset, model and timesteps', async () => {
    const st = memoryStorage();
    const out = await addControllerFile(st, 'my.json', SHIPPED);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    const c = out.controller;
    expect(c.ref).toMatch(/^file:[0-9a-f]{16}$/);
    expect(st.map.get(TEXT_KEY_PREFIX + c.ref)).toBe(SHIPPED);
    expect(readLoaded(st)).toEqual([c]);
    expect(storedControllerText(st, c.ref)).toBe(SHIPPED);
    const parsed = JSON.parse(SHIPPED) as { trained: { dataset: string; model: string; timesteps: number } };
    expect(loadedControllerLabel(c)).toBe(`Loaded: my.json (${parsed.trained.dataset}/${parsed.trained.model}, ${parsed.trained.timesteps} timesteps)`);
    expect(controllerChoices(readLoaded(st)).map((o) => o.value)).toEqual(['mnist-mlp3-discrete', c.ref]);
    // The same text again: one entry, the newer file name.
    await addControllerFile(st, 'again.json', SHIPPED);
    expect(readLoaded(st).map((x) => x.fileName)).toEqual(['again.json']);
    // Its ref is a valid option of the form.
    expect(validateOptimizerOptions('Adam-Learned', { controller: c.ref }, configTexts(D)).errors).toEqual({});
  });

  it('refuses a bad file with the parser message, storing nothing', async () => {
    const st = memoryStorage();
    const notJson = await addControllerFile(st, 'x.json', '{ nope');
    expect(notJson).toMatchObject({ ok: false });
    expect(!notJson.ok && notJson.problem).toMatch(/^Bad controller file: /);
    const bad = JSON.parse(SHIPPED) as Record<string, unknown>;
    delete bad.policy;
    const noPolicy = await addControllerFile(st, 'y.json', JSON.stringify(bad));
    expect(!noPolicy.ok && noPolicy.problem).toMatch(/^Bad controller file: .*policy/);
    // A controller whose inputs are not the trainer's features (here two swapped) would read the wrong ones.
    const swapped = JSON.parse(SHIPPED) as { features: string[] };
    [swapped.features[0], swapped.features[1]] = [swapped.features[1], swapped.features[0]];
    const wrongInputs = await addControllerFile(st, 'z.json', JSON.stringify(swapped));
    expect(!wrongInputs.ok && wrongInputs.problem).toBe(
      "Bad controller file: the controller's inputs are val_loss, train_loss, pred_var, pred_change_var, out_w_mean, out_w_var, lr; this trainer measures train_loss, val_loss, pred_var, pred_change_var, out_w_mean, out_w_var, lr (in that order)",
    );
    expect(st.map.size).toBe(0);
    expect(readLoaded(st)).toEqual([]);
  });

  it('a page without Web Crypto (not a secure context) gets a problem, not a rejected promise', async () => {
    const st = memoryStorage();
    // An own property over Crypto.prototype's getter, removed afterwards.
    Object.defineProperty(globalThis.crypto, 'subtle', { value: undefined, configurable: true });
    try {
      const out = await addControllerFile(st, 'my.json', SHIPPED);
      expect(!out.ok && out.problem).toMatch(/^Could not name the controller by its SHA-256 .*https or on localhost$/);
      expect(st.map.size).toBe(0);
    } finally {
      delete (globalThis.crypto as { subtle?: unknown }).subtle;
    }
  });

  it('the list ignores damaged entries and entries whose text is gone', () => {
    const st = memoryStorage();
    st.setItem(LIST_KEY, JSON.stringify([{ ref: 'file:0123456789abcdef', fileName: 'a', dataset: 'mnist', model: 'mlp3', timesteps: 1 }, { ref: 3 }]));
    expect(readLoaded(st)).toEqual([]);
    st.setItem(TEXT_KEY_PREFIX + 'file:0123456789abcdef', SHIPPED);
    expect(readLoaded(st).map((c) => c.fileName)).toEqual(['a']);
    st.setItem(LIST_KEY, '{not json');
    expect(readLoaded(st)).toEqual([]);
    expect(readLoaded(null)).toEqual([]);
  });

  it("a learned run's start message carries the loaded text when this browser has it", async () => {
    const st = memoryStorage();
    const out = await addControllerFile(st, 'my.json', SHIPPED);
    const ref = out.ok ? out.controller.ref : '';
    expect(controllerStartFields(config({ options: { controller: ref } }), st, 'http://x/hg/')).toEqual({ controllerText: SHIPPED, pageUrl: 'http://x/hg/' });
    expect(controllerStartFields(config({ options: { controller: 'file:ffffffffffffffff' } }), st, 'http://x/')).toEqual({ pageUrl: 'http://x/' });
    expect(controllerStartFields(config(), st, 'http://x/')).toEqual({ pageUrl: 'http://x/' });
    expect(controllerStartFields(config({ optimizer: 'Adam' }), st, 'http://x/')).toEqual({});
  });
});

describe("the worker's controller", () => {
  const okFetch = (seen: string[]) => (async (url: string) => {
    seen.push(url);
    return new Response(SHIPPED, { status: 200 });
  }) as unknown as typeof fetch;

  it("fetches a shipped one from the app's base URL", async () => {
    const seen: string[] = [];
    const c = await resolveController({ config: config(), baseUrl: './', pageUrl: 'http://h/hg/index.html', fetchImpl: okFetch(seen) });
    expect(seen).toEqual(['http://h/hg/controllers/mnist-mlp3-discrete.json']);
    expect(c.action).toEqual({ kind: 'discrete', factor: 1.05 });
    expect(shippedControllerUrl('mnist-mlp3-discrete', '/app/')).toBe('/app/controllers/mnist-mlp3-discrete.json');
  });

  it('says what went wrong: a 404, a file this browser lacks, a bad file, an unknown name', async () => {
    const notFound = (async () => new Response('no', { status: 404 })) as unknown as typeof fetch;
    await expect(resolveController({ config: config(), baseUrl: '/', pageUrl: 'http://h/', fetchImpl: notFound })).rejects.toThrow(
      'could not fetch the shipped controller http://h/controllers/mnist-mlp3-discrete.json: HTTP 404',
    );
    const file = config({ options: { controller: 'file:0123456789abcdef' } });
    await expect(resolveController({ config: file, baseUrl: '/' })).rejects.toThrow(missingControllerMessage('file:0123456789abcdef'));
    expect(missingControllerMessage('file:0123456789abcdef')).toMatch(/not in this browser.*Load controller.*Adam \+ learned schedule/);
    await expect(resolveController({ config: file, baseUrl: '/', controllerText: '[]' })).rejects.toThrow(/^Bad controller file/);
    const c = await resolveController({ config: file, baseUrl: '/', controllerText: SHIPPED });
    expect(c.updateFreq).toBe(10);
    await expect(resolveController({ config: config({ options: { controller: 'nope' } }), baseUrl: '/' })).rejects.toThrow(/Unknown controller "nope"/);
  });
});

describe('share link: options.controller', () => {
  const withController = (controller: string): PageConfig => ({ ...D, optimizers: ['Adam', 'Adam-Learned'], perOptimizer: { 'Adam-Learned': { controller } } });

  it('round-trips a shipped id and a loaded ref', () => {
    for (const ref of ['mnist-mlp3-discrete', 'file:0123456789abcdef']) {
      const query = encodeConfig(withController(ref));
      expect(query).toContain(`Adam-Learned.controller=${encodeURIComponent(ref).replace(/%3A/g, ':')}`);
      const back = decodeConfig(query, D);
      expect(back.problems).toEqual([]);
      expect(back.config.perOptimizer).toEqual({ 'Adam-Learned': { controller: ref } });
    }
  });

  it('drops a name that is no controller, saying so', () => {
    const back = decodeConfig('?v=1&opt=Adam-Learned&Adam-Learned.controller=bogus', D);
    expect(back.config.perOptimizer).toEqual({});
    expect(back.problems.join(' ')).toMatch(/Unknown controller "bogus"/);
  });
});

describe('names people see', () => {
  it('runs, imported runs and the runs table show the label; URLs and CSV keep the name', () => {
    expect(runLabel(config(), 1, 1)).toBe('Adam + learned schedule');
    expect(runLabel(config(), 2, 3)).toBe('Adam + learned schedule · seed 1 (run 3)');
    expect(shownName('Adam-Learned')).toBe('Adam + learned schedule');
    expect(shownName('Adam-HD')).toBe('Adam-HD');
    expect(shownName('NotAnOptimizer')).toBe('NotAnOptimizer');
    expect(cellText({ optimizer: 'Adam-Learned' } as TableRow, 'optimizer')).toBe('Adam + learned schedule');
    expect(tidyCsv([learnedRecord()]).split('\n')[1].split(',')[1]).toBe('Adam-Learned');
  });
});

describe('Controller inputs panel: pure pieces', () => {
  it('one feature over iterations, its axis and a sentence of the last values', () => {
    const recs = [decision(20, 1 / 1.05, 1e-3), decision(10, 1.05, 1.05e-3)];
    const col = featureColumn(recs, 'val_loss');
    expect(Array.from(col.iteration)).toEqual([10, 20]);
    expect(Array.from(col.value)).toEqual([2.1, 2.0]);
    expect(featureYAxis([col])?.kind).toBe('log');
    expect(featureYAxis([featureColumn(recs, 'out_w_mean')])?.kind).toBe('linear');
    expect(featureYAxis([featureColumn([], 'lr')])).toBeNull();
    expect(Object.keys(FEATURE_NAMES)).toEqual([...CONTROLLER_FEATURES]);
    const s = controllerSummary('Adam + learned schedule', recs);
    expect(s).toMatch(/^Adam \+ learned schedule: 2 decisions; at iteration 20 the controller read training loss 2\.1, validation loss 2,/);
    expect(s).toMatch(/lowered the rate ÷1\.05 to 0\.001\.$/);
    expect(controllerSummary('X', [])).toMatch(/no controller decision yet/);
  });
});

describe('the images a learned run trains on', () => {
  it('its epochs and budget count the training set less the held-out validation images', async () => {
    const { runTrainSize } = await import('../../src/series/trainSize');
    expect(runTrainSize('Adam-Learned', 60000)).toBe(50000);
    expect(runTrainSize('Adam', 60000)).toBe(60000);
    expect(runTrainSize('Unknown', 60000)).toBe(60000);
  });
});
