// The page's dataset cache (src/store/dataset.ts) for file-importable datasets: hosted shards, then the
// copy stored in the browser, then the user's file; imports offered to the cache; failures that lose
// nothing. The import worker runs in-process here (Node has no Worker) over a Map standing in for IndexedDB.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cifar10Spec, writeShards } from '../../scripts/shards';
import { cifarChwToHwc, decodeCifarArchive } from '../../src/data/cifar';
import { forgetStored, importDataset, loadStored } from '../../src/data/importJob';
import type { DatasetName } from '../../src/engine/types';
import { useConfigStore } from '../../src/store/configStore';
import {
  ensureDataset,
  forgetStoredDataset,
  importDatasetFrom,
  IDLE_IMPORT,
  resetDatasetCache,
  setImportRequestRunner,
  useDataImportStore,
  type ImportRequestRunner,
} from '../../src/store/dataset';
import { useRunsStore } from '../../src/store/runsStore';
import { tinyCifarTarGz } from './cifarFixture';
import { MapStore } from './dataHelpers';


let store: MapStore;
/** Lets a test hold an import request until it says so (`gate`: every request; `gates`: one kind). */
let gate: Promise<void> | null = null;
let gates: Partial<Record<Parameters<ImportRequestRunner>[0]['type'], Promise<void>>> = {};
/** A gate and the function that opens it. */
function held(): { gate: Promise<void>; open: () => void } {
  let open!: () => void;
  const g = new Promise<void>((r) => (open = r));
  return { gate: g, open };
}
const inProcess: ImportRequestRunner = async (msg, onProgress) => {
  if (gate) await gate;
  if (gates[msg.type]) await gates[msg.type];
  if (msg.type === 'import') {
    const r = await importDataset(msg.dataset, msg.source, { store, onProgress });
    return { type: 'done', data: r.data, stored: r.stored, storeError: r.storeError };
  }
  if (msg.type === 'load-stored') {
    const r = await loadStored(msg.dataset, store, onProgress);
    return { type: 'done', data: r?.data ?? null, stored: r?.info ?? null, storeError: null };
  }
  await forgetStored(msg.dataset, store, onProgress);
  return { type: 'done', data: null, stored: null, storeError: null };
};

/** Serves `dirs[name]` under ./data/<name>/, 404 for everything else (no dataset hosted by default). */
const hosted: Partial<Record<DatasetName, string>> = {};
function stubFetch() {
  vi.stubGlobal('fetch', async (input: string | URL | Request) => {
    const url = String(input);
    const m = /^\.\/data\/([^/]+)\/(.+)$/.exec(url);
    const dir = m ? hosted[m[1] as DatasetName] : undefined;
    if (!m || !dir || !existsSync(join(dir, m[2]))) return new Response('not found', { status: 404, statusText: 'Not Found' });
    return new Response(readFileSync(join(dir, m[2])));
  });
}

const archive = tinyCifarTarGz(2, 3);
const file = (bytes: Uint8Array = archive.gz, name = 'cifar-10-binary.tar.gz') =>
  ({ kind: 'file', name, file: new Blob([bytes as Uint8Array<ArrayBuffer>]) }) as const;
const imp = () => useDataImportStore.getState().byName.cifar10 ?? IDLE_IMPORT;
const runsData = () => useRunsStore.getState().data;

/** What a reload does to the page: memory gone, the browser's storage kept. */
const reload = () => resetDatasetCache();

beforeEach(() => {
  store = new MapStore();
  gate = null;
  gates = {};
  delete hosted.cifar10;
  resetDatasetCache();
  setImportRequestRunner(inProcess);
  stubFetch();
  useConfigStore.getState().setDataset('cifar10');
});
afterEach(() => {
  vi.unstubAllGlobals();
  setImportRequestRunner(null);
  useConfigStore.getState().setDataset('mnist');
});

describe('CIFAR-10 in the page cache', () => {
  it('not hosted, not stored: rejects saying how to load it; the panel asks (no error state)', async () => {
    await expect(ensureDataset('cifar10')).rejects.toThrow(
      /^CIFAR-10: not loaded yet: it is not hosted with this page nor stored in this browser\. To get it: load cifar-10-binary\.tar\.gz with "Load CIFAR-10"/,
    );
    expect(imp().origin).toBe('missing');
    expect(imp().busy).toBeNull();
    expect(runsData()).toEqual({ state: 'idle', dataset: 'cifar10' });
  });

  it('an import offers the data to the cache and stores it; after a reload it comes from the store', async () => {
    await ensureDataset('cifar10').catch(() => undefined);
    const phases: string[] = [];
    const unsub = useDataImportStore.subscribe((s) => {
      const p = s.byName.cifar10?.busy?.phase;
      if (p && phases.at(-1) !== p) phases.push(p);
    });
    expect(await importDatasetFrom('cifar10', file())).toBe(true);
    unsub();
    expect(phases).toEqual(['reading', 'decoding', 'storing']);
    const data = await ensureDataset('cifar10');
    expect(data.shape).toEqual([32, 32, 3]);
    expect(Buffer.from(data.trainImages).equals(Buffer.from(cifarChwToHwc(archive.trainChw, 10)))).toBe(true);
    expect(imp()).toMatchObject({ origin: 'stored', busy: null, error: null, stored: { source: 'cifar-10-binary.tar.gz', nTrain: 10, nTest: 3 } });
    expect(runsData()).toEqual({ state: 'ready', nTrain: 10, nTest: 3, dataset: 'cifar10' });

    reload();
    const again = await ensureDataset('cifar10');
    expect(again).toEqual(data);
    expect(imp().origin).toBe('stored');
    expect(runsData()).toMatchObject({ state: 'ready', nTrain: 10 });
  });

  it('a bad file gets an error and loses nothing: the data in use stays, the store keeps its copy', async () => {
    expect(await importDatasetFrom('cifar10', file())).toBe(true);
    const before = await ensureDataset('cifar10');
    const gz = archive.gz.slice();
    gz[gz.length - 30] ^= 0xff;
    expect(await importDatasetFrom('cifar10', file(gz, 'broken.tar.gz'))).toBe(false);
    expect(imp().error).toMatch(/^broken\.tar\.gz: corrupt gzip data/);
    expect(imp().origin).toBe('stored');
    expect(await ensureDataset('cifar10')).toBe(before);
    expect(runsData()).toMatchObject({ state: 'ready' });
    expect(await importDatasetFrom('cifar10', file(new TextEncoder().encode('not an archive'), 'x.txt'))).toBe(false);
    expect(imp().error).toMatch(/^x\.txt: not gzip/);
    reload();
    expect((await ensureDataset('cifar10')).trainLabels.length).toBe(10);
  });

  it('a bad first file: ensureDataset still rejects, and the next good file works', async () => {
    expect(await importDatasetFrom('cifar10', file(new Uint8Array([0x1f, 0x8b, 8, 0, 0]), 'cut.tar.gz'))).toBe(false);
    expect(imp().error).toMatch(/^cut\.tar\.gz: corrupt gzip data/);
    await expect(ensureDataset('cifar10')).rejects.toThrow(/not loaded yet/);
    expect(await importDatasetFrom('cifar10', file())).toBe(true);
    expect(imp().error).toBeNull();
    expect((await ensureDataset('cifar10')).testLabels).toEqual(archive.testLabels);
  });

  it('storage failing (quota): the data is used for this visit and the alert says it is not stored', async () => {
    store.failPut = Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' });
    expect(await importDatasetFrom('cifar10', file())).toBe(true);
    expect(imp().origin).toBe('session');
    expect(imp().stored).toBeNull();
    expect(imp().error).toMatch(/^could not store CIFAR-10 in this browser: the browser's storage quota .* is loaded for this visit only/);
    expect((await ensureDataset('cifar10')).trainLabels.length).toBe(10);
    reload();
    await expect(ensureDataset('cifar10')).rejects.toThrow(/not loaded yet/);
  });

  it('storage unreadable: says so, then asks for the file', async () => {
    store.failGet = Object.assign(new Error('denied'), { name: 'SecurityError' });
    await expect(ensureDataset('cifar10')).rejects.toThrow(/not loaded yet/);
    expect(imp().origin).toBe('missing');
    expect(imp().error).toMatch(/^could not read the copy of CIFAR-10 stored in this browser: this browser does not allow/);
  });

  it('Forget removes the stored copy; the data stays in use until the page is closed', async () => {
    await importDatasetFrom('cifar10', file());
    expect(await forgetStoredDataset('cifar10')).toBe(true);
    expect(imp()).toMatchObject({ origin: 'session', stored: null });
    expect(store.records.size).toBe(0);
    expect((await ensureDataset('cifar10')).trainLabels.length).toBe(10);
    reload();
    await expect(ensureDataset('cifar10')).rejects.toThrow(/not loaded yet/);
  });

  it('a Start pressed while the first import runs waits for it', async () => {
    let open!: () => void;
    gate = new Promise<void>((r) => (open = r));
    const importing = importDatasetFrom('cifar10', file());
    const waiting = ensureDataset('cifar10');
    // A second import meanwhile is refused with a message, not queued.
    expect(await importDatasetFrom('cifar10', file())).toBe(false);
    expect(imp().error).toMatch(/^CIFAR-10 is busy \(reading\)/);
    open();
    expect(await importing).toBe(true);
    expect((await waiting).trainLabels.length).toBe(10);
  });

  it('a file chosen while the page still looks for a stored copy is imported at once; the lookup does not undo it', async () => {
    const lookup = held();
    gates['load-stored'] = lookup.gate;
    const started = ensureDataset('cifar10'); // the page's own lookup (select CIFAR-10); a Start waits on it
    await vi.waitFor(() => expect(imp().looking).toBe(true));
    expect(imp().busy).toBeNull(); // looking is not busy: the file input stays usable
    const importing = importDatasetFrom('cifar10', file());
    expect(imp().busy?.phase).toBe('reading');
    expect(await importing).toBe(true);
    expect(imp()).toMatchObject({ origin: 'stored', looking: false, busy: null, error: null });
    lookup.open(); // the lookup answers "nothing stored" after the import: ignored
    expect((await started).trainLabels.length).toBe(10);
    expect(imp()).toMatchObject({ origin: 'stored', looking: false, busy: null, error: null, stored: { source: 'cifar-10-binary.tar.gz' } });
    expect(runsData()).toEqual({ state: 'ready', nTrain: 10, nTest: 3, dataset: 'cifar10' });
  });

  it('the lookup answering first (nothing stored) leaves the running import and a waiting Start alone', async () => {
    const lookup = held();
    const importGate = held();
    gates['load-stored'] = lookup.gate;
    const started = ensureDataset('cifar10');
    await vi.waitFor(() => expect(imp().looking).toBe(true));
    gates.import = importGate.gate;
    const importing = importDatasetFrom('cifar10', file());
    lookup.open();
    // Let the lookup's answer arrive while the import is held: the import's progress is still shown.
    await new Promise((r) => setTimeout(r, 20));
    expect(imp().busy?.phase).toBe('reading');
    expect(imp().origin).not.toBe('missing');
    expect(runsData()).toMatchObject({ state: 'loading' });
    const startPressedNow = ensureDataset('cifar10');
    importGate.open();
    expect(await importing).toBe(true);
    expect((await started).trainLabels.length).toBe(10);
    expect((await startPressedNow).trainLabels.length).toBe(10);
  });

  it('a file that wins over a lookup of an older stored copy replaces it; a failing one leaves the stored copy to be found', async () => {
    expect(await importDatasetFrom('cifar10', file(tinyCifarTarGz(1, 2, 5).gz, 'old.tar.gz'))).toBe(true);
    reload();
    const lookup = held();
    gates['load-stored'] = lookup.gate;
    const started = ensureDataset('cifar10');
    await vi.waitFor(() => expect(imp().looking).toBe(true));
    // A broken file first: the alert names it, and the page looks again; a Start that was waiting gets the
    // stored copy once the store answers (the data in use before the failed file stays in use).
    expect(await importDatasetFrom('cifar10', file(new TextEncoder().encode('nope'), 'bad.tar.gz'))).toBe(false);
    expect(imp().error).toMatch(/^bad\.tar\.gz: not gzip/);
    lookup.open();
    expect((await started).trainLabels.length).toBe(5);
    expect((await ensureDataset('cifar10')).trainLabels.length).toBe(5);
    expect(imp()).toMatchObject({ origin: 'stored', stored: { source: 'old.tar.gz' }, error: expect.stringMatching(/^bad\.tar\.gz/) });
    // Then a good file during another lookup replaces the stored copy.
    reload();
    const second = held();
    gates['load-stored'] = second.gate;
    const again = ensureDataset('cifar10');
    await vi.waitFor(() => expect(imp().looking).toBe(true));
    expect(await importDatasetFrom('cifar10', file())).toBe(true);
    second.open();
    expect((await again).trainLabels.length).toBe(10);
    expect(imp()).toMatchObject({ origin: 'stored', stored: { source: 'cifar-10-binary.tar.gz' } });
  });

  it('Forget while an import runs says it is busy instead of doing nothing', async () => {
    expect(await importDatasetFrom('cifar10', file())).toBe(true);
    const importGate = held();
    gates.import = importGate.gate;
    const importing = importDatasetFrom('cifar10', file());
    expect(await forgetStoredDataset('cifar10')).toBe(false);
    expect(imp().error).toMatch(/^CIFAR-10 is busy \(reading\): wait for it to finish/);
    importGate.open();
    expect(await importing).toBe(true);
    expect(store.records.size).toBe(1);
  });

  it('hosted shards come first (npm run data output), and are used as they are', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hg-cifar-hosted-'));
    try {
      const data = await decodeCifarArchive(tinyCifarTarGz(1, 2, 5).gz, 'c.tar.gz');
      await writeShards(dir, cifar10Spec('test', data));
      hosted.cifar10 = dir;
      await importDatasetFrom('cifar10', file()); // a stored copy exists too
      reload();
      const got = await ensureDataset('cifar10');
      expect(got.trainLabels.length).toBe(5);
      expect(got.mean).toEqual([0.485, 0.456, 0.406]);
      expect(imp().origin).toBe('hosted');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a broken hosted copy is an error with retry (not "missing")', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hg-cifar-hosted-'));
    try {
      const data = await decodeCifarArchive(tinyCifarTarGz(1, 1).gz, 'c.tar.gz');
      const m = await writeShards(dir, cifar10Spec('test', data));
      rmSync(join(dir, m.files[0].path));
      hosted.cifar10 = dir;
      await expect(ensureDataset('cifar10')).rejects.toThrow(`./data/cifar10/${m.files[0].path}: HTTP 404 Not Found`);
      expect(runsData()).toMatchObject({ state: 'error', dataset: 'cifar10' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

afterAll(() => resetDatasetCache());
