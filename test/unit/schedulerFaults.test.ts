// Worker faults as the page names them (src/worker/faults.ts): crash vs out of memory, and the WebGPU
// device-loss watch, with a simulated `device.lost` promise.
import { describe, expect, it } from 'vitest';
import { crashMessage, debugEnabled, deviceLostMessage, faultHooksEnabled, isOutOfMemory, trainingErrorMessage, watchDeviceLoss, type DeviceLostInfo } from '../../src/worker/faults';

const tick = () => new Promise<void>((r) => setTimeout(r, 0));

function fakeDevice() {
  let lose!: (info: DeviceLostInfo) => void;
  const lost = new Promise<DeviceLostInfo>((r) => (lose = r));
  return { device: { lost }, lose };
}

describe('device loss', () => {
  it('reports "GPU device lost: REASON (message)" once the lost promise resolves, and only then', async () => {
    const { device, lose } = fakeDevice();
    const seen: string[] = [];
    watchDeviceLoss(device, (m) => seen.push(m));
    await tick();
    expect(seen).toEqual([]);
    lose({ reason: 'unknown', message: 'GPU process crashed' });
    await tick();
    expect(seen).toEqual(['GPU device lost: unknown (GPU process crashed)']);
  });

  it('says nothing after the run ended normally (unwatch), e.g. for a deliberate destroy()', async () => {
    const { device, lose } = fakeDevice();
    const seen: string[] = [];
    const unwatch = watchDeviceLoss(device, (m) => seen.push(m));
    unwatch();
    lose({ reason: 'destroyed', message: '' });
    await tick();
    expect(seen).toEqual([]);
  });

  it('a backend without a device (wasm, webgl, cpu) or a rejected lost promise is not reported', async () => {
    const seen: string[] = [];
    watchDeviceLoss(undefined, (m) => seen.push(m));
    watchDeviceLoss(null, (m) => seen.push(m));
    watchDeviceLoss({}, (m) => seen.push(m));
    watchDeviceLoss({ lost: Promise.reject(new Error('x')) }, (m) => seen.push(m));
    await tick();
    expect(seen).toEqual([]);
    expect(deviceLostMessage(undefined)).toBe('GPU device lost: unknown');
    expect(deviceLostMessage({ reason: 'destroyed' })).toBe('GPU device lost: destroyed');
  });

  it('only the run whose device was lost is told (each run has its own watch)', async () => {
    const a = fakeDevice();
    const b = fakeDevice();
    const seen: string[] = [];
    watchDeviceLoss(a.device, (m) => seen.push(`a ${m}`));
    watchDeviceLoss(b.device, (m) => seen.push(`b ${m}`));
    b.lose({ reason: 'unknown', message: 'reset' });
    await tick();
    expect(seen).toEqual(['b GPU device lost: unknown (reset)']);
  });
});

describe('crash messages', () => {
  it('names allocation failures "out of memory", other uncaught errors "worker crashed"', () => {
    expect(crashMessage('Uncaught RangeError: WebAssembly.Memory.grow(): Maximum memory size exceeded')).toBe('out of memory: RangeError: WebAssembly.Memory.grow(): Maximum memory size exceeded');
    expect(crashMessage(new RangeError('Array buffer allocation failed'))).toBe('out of memory: RangeError: Array buffer allocation failed');
    expect(crashMessage('Uncaught Error: test crash (?faults=1)')).toBe('worker crashed: Error: test crash (?faults=1)');
    expect(crashMessage(new TypeError('x is undefined'))).toBe('worker crashed: TypeError: x is undefined');
    expect(crashMessage('')).toBe('worker crashed: unknown error');
    expect(crashMessage('out of memory')).toBe('out of memory');
    expect(isOutOfMemory('Failed to allocate a buffer of size 1e9')).toBe(true);
    expect(isOutOfMemory('loss became non-finite')).toBe(false);
  });

  it('training errors keep their own words unless they are allocation failures', () => {
    expect(trainingErrorMessage(new Error('VGG-16-BN needs 32×32 images'))).toBe('VGG-16-BN needs 32×32 images');
    expect(trainingErrorMessage(new RangeError('Invalid typed array length: 4294967296'))).toBe('out of memory: RangeError: Invalid typed array length: 4294967296');
    // tfjs-wasm past its 4 GB heap (measured: ResNet-18 width 1, batch 128).
    expect(trainingErrorMessage(new WebAssembly.RuntimeError('memory access out of bounds'))).toBe('out of memory: RuntimeError: memory access out of bounds');
  });

  it('the test hooks need faults=1 in the page address; debug reporting debug=1 (or faults=1)', () => {
    expect(faultHooksEnabled('?backend=wasm&faults=1')).toBe(true);
    expect(faultHooksEnabled('?backend=wasm')).toBe(false);
    expect(faultHooksEnabled('?faults=true')).toBe(false);
    expect(debugEnabled('?debug=1')).toBe(true);
    expect(debugEnabled('?faults=1')).toBe(true);
    expect(debugEnabled('')).toBe(false);
  });
});

describe('storage full mid-run (the persister)', () => {
  it('a put refused synchronously with QuotaExceededError after some writes: one report, runs keep every point in memory and keep growing', async () => {
    const { RunPersister } = await import('../../src/persist/persister');
    const { SeriesBuffers } = await import('../../src/series/buffers');
    const { createRunsStore } = await import('../../src/store/runsStore');
    const { batch, meta, MemoryRunDb } = await import('./persistHelpers');
    const db = new MemoryRunDb();
    let refuse = false;
    const realWrite = db.write.bind(db);
    // As IDBObjectStore.put does when the quota is exhausted: throws at once, before any promise.
    db.write = ((w: Parameters<typeof realWrite>[0]) => {
      if (refuse) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return realWrite(w);
    }) as typeof db.write;
    const buffers = new SeriesBuffers();
    const store = createRunsStore(buffers);
    const errors: unknown[] = [];
    const states: string[] = [];
    const persister = new RunPersister(db, store, buffers, { delayMs: 1e9, onError: (e) => errors.push(e), onState: (s) => states.push(s) });
    store.getState().addRuns([meta('r1-a'), meta('r1-b')]);
    buffers.appendBatch(batch('r1-a', 1, 10));
    buffers.appendBatch(batch('r1-b', 1, 10));
    await persister.flush();
    expect(db.writes.length).toBe(1);
    refuse = true;
    buffers.appendBatch(batch('r1-a', 11, 10));
    await expect(persister.flush()).resolves.toBeUndefined();
    // Training goes on after the failure: the buffers keep growing, nothing more is written or reported.
    buffers.appendBatch(batch('r1-a', 21, 10));
    buffers.appendBatch(batch('r1-b', 11, 10));
    store.getState().patchRuns({ 'r1-a': { state: 'done', iteration: 30 } });
    await persister.flush();
    expect(errors).toHaveLength(1);
    expect((errors[0] as DOMException).name).toBe('QuotaExceededError');
    expect(persister.stopped).toBe(true);
    expect(db.writes.length).toBe(1);
    expect(buffers.length('r1-a')).toBe(30);
    expect(buffers.length('r1-b')).toBe(20);
    expect(store.getState().runs['r1-a'].state).toBe('done');
    // What reached storage before the quota ran out stays there.
    expect([...db.chunks.values()].map((c) => [c.key, c.iteration.length])).toEqual([[expect.any(String), 10], [expect.any(String), 10]]);
  });
});
