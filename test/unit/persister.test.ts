// The persister against an in-memory database: append-only chunks (each write holds only the new
// points), restore into a fresh store gives the same runs and series, a run cut off is
// "interrupted", renames/deletes/the charts' run list are stored, a failed write is reported once.
import { describe, expect, it, vi } from 'vitest';
import { RunPersister } from '../../src/persist/persister';
import { SeriesBuffers } from '../../src/series/buffers';
import { createRunsStore } from '../../src/store/runsStore';
import { batch, meta, MemoryRunDb } from './persistHelpers';

function page(db: MemoryRunDb, onError = vi.fn()) {
  const buffers = new SeriesBuffers();
  const store = createRunsStore(buffers);
  const persister = new RunPersister(db, store, buffers, { delayMs: 1e9, onError });
  return { buffers, store, persister, onError };
}

describe('RunPersister', () => {
  it('writes each point once, as append-only chunks of the points since the last flush', async () => {
    const db = new MemoryRunDb();
    const p = page(db);
    p.store.getState().addRuns([meta('r1-a'), meta('r1-b')]);
    p.buffers.appendBatch(batch('r1-a', 1, 30));
    await p.persister.flush();
    p.buffers.appendBatch(batch('r1-a', 31, 5));
    p.buffers.appendBatch(batch('r1-b', 1, 7));
    await p.persister.flush();
    await p.persister.flush(); // nothing new: no write at all
    expect(db.writes.length).toBe(2);
    // Write 1: r1-a's 30 points (evals at 10, 20, 30) and both run records; write 2: r1-a 31..35, r1-b 1..7.
    expect(db.writes[0].chunks.map((c) => [c.seq, c.iteration.length, c.evals.length])).toEqual([[0, 30, 3]]);
    expect(db.writes[0].runs.length).toBe(2);
    expect(db.writes[1].chunks.map((c) => [c.seq, Array.from(c.iteration)])).toEqual([
      [1, [31, 32, 33, 34, 35]],
      [0, [1, 2, 3, 4, 5, 6, 7]],
    ]);
    // The records did not change between the flushes: not rewritten.
    expect(db.writes[1].runs).toEqual([]);
  });

  it('restores every run with identical series; a run cut off mid-training is interrupted at its last stored iteration', async () => {
    const db = new MemoryRunDb();
    const a = page(db);
    a.store.getState().addRuns([meta('r1-a'), meta('r1-b')]);
    // Several flushes: the series come back from several chunks.
    a.buffers.appendBatch(batch('r1-a', 1, 25));
    await a.persister.flush();
    a.buffers.appendBatch(batch('r1-a', 26, 25));
    a.buffers.appendBatch(batch('r1-b', 1, 20));
    a.store.getState().patchRuns({ 'r1-a': { state: 'done', iteration: 50 }, 'r1-b': { iteration: 20 } });
    await a.persister.flush();
    a.buffers.appendBatch(batch('r1-b', 21, 3)); // never flushed: lost with the page

    const b = page(db);
    expect(await b.persister.restore()).toBe(2);
    const s = b.store.getState();
    expect(s.order).toEqual(['r1-a', 'r1-b']);
    expect(s.current).toEqual(['r1-a', 'r1-b']);
    expect(s.batchCount).toBe(1);
    expect(s.runs['r1-a'].state).toBe('done');
    expect(s.runs['r1-b']).toMatchObject({ state: 'interrupted', iteration: 20 });
    expect(b.buffers.get('r1-a')).toEqual(a.buffers.get('r1-a'));
    const bSeries = b.buffers.get('r1-b');
    expect(bSeries.train.iteration).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(bSeries.evals.map((e) => e.iteration)).toEqual([10, 20]);

    // Only the changed record (now interrupted) is rewritten; no series is written again.
    b.persister.start();
    await b.persister.flush();
    b.persister.stop();
    const last = db.writes[db.writes.length - 1];
    expect(last.runs.map((r) => [r.meta.runId, r.meta.state])).toEqual([['r1-b', 'interrupted']]);
    expect(last.chunks).toEqual([]);
  });

  it('stores renames, deletions (undo puts the run back) and the charts run list', async () => {
    const db = new MemoryRunDb();
    const a = page(db);
    a.store.getState().addRuns([meta('r1-a', { state: 'done' }), meta('r1-b', { state: 'done' })]);
    a.buffers.appendBatch(batch('r1-a', 1, 10));
    a.buffers.appendBatch(batch('r1-b', 1, 10));
    await a.persister.flush();
    a.store.getState().renameRun('r1-a', 'my run');
    a.store.getState().deleteRun('r1-b');
    await a.persister.flush();
    expect([...db.runs.values()].map((r) => r.meta.label)).toEqual(['my run']);
    expect([...db.chunks.values()].every((c) => c.key === a.store.getState().runs['r1-a'].storageKey)).toBe(true);

    a.store.getState().undoDelete();
    a.store.getState().setShown('r1-a', false);
    await a.persister.flush();
    const b = page(db);
    await b.persister.restore();
    expect(b.store.getState().order).toEqual(['r1-a', 'r1-b']);
    expect(b.store.getState().runs['r1-a'].label).toBe('my run');
    expect(b.store.getState().current).toEqual(['r1-b']);
    expect(b.buffers.get('r1-b')).toEqual(a.buffers.get('r1-b'));
  });

  it('a new Start reusing a restored id moves the older run (with its series) to a free id', async () => {
    const db = new MemoryRunDb();
    const a = page(db);
    a.store.getState().addRuns([meta('r1-a', { state: 'done' })]);
    a.buffers.appendBatch(batch('r1-a', 1, 10));
    await a.persister.flush();

    const b = page(db);
    await b.persister.restore();
    b.buffers.ensure('r1-a'); // what the runner does before addRuns
    b.store.getState().addRuns([meta('r1-a', { batch: 2, label: 'a (run 2)' })]);
    b.buffers.appendBatch(batch('r1-a', 1, 3));
    const s = b.store.getState();
    expect(s.order).toEqual(['r1-a~2', 'r1-a']);
    expect(s.current).toEqual(['r1-a']);
    expect(b.buffers.length('r1-a~2')).toBe(10);
    expect(b.buffers.length('r1-a')).toBe(3);
    await b.persister.flush();
    const c = page(db);
    await c.persister.restore();
    expect(c.store.getState().order).toEqual(['r1-a~2', 'r1-a']);
    expect(c.buffers.length('r1-a~2')).toBe(10);
    expect(c.buffers.length('r1-a')).toBe(3);
  });

  it('reports the first failed write once and then stops writing; the runs stay in memory', async () => {
    const db = new MemoryRunDb();
    const p = page(db);
    p.store.getState().addRuns([meta('r1-a')]);
    p.buffers.appendBatch(batch('r1-a', 1, 5));
    const quota = Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
    db.failNext = quota;
    await p.persister.flush();
    p.buffers.appendBatch(batch('r1-a', 6, 5));
    await p.persister.flush();
    expect(p.onError).toHaveBeenCalledTimes(1);
    expect(p.onError).toHaveBeenCalledWith(quota);
    expect(p.persister.stopped).toBe(true);
    expect(db.writes.length).toBe(0);
    expect(p.buffers.length('r1-a')).toBe(10);
  });

  it('skips records that are not ours', async () => {
    const db = new MemoryRunDb();
    const p = page(db);
    p.store.getState().addRuns([meta('r1-a', { state: 'done' })]);
    await p.persister.flush();
    db.runs.set('junk', { layout: 99, key: 'junk' } as never);
    const b = page(db);
    expect(await b.persister.restore()).toBe(1);
  });
});

describe('RunPersister: second-order runs', () => {
  const curv = (iteration: number) => ({ iteration, layers: [{ layer: 'layers.0', q10: iteration, q50: 2 * iteration, q90: NaN }] });
  const esgd = (runId: string, from: number, n: number, curvIts: number[]) => {
    const b = batch(runId, from, n);
    return { ...b, train: { ...b.train, gradEvals: b.train.iteration.map((i) => 2 * i + 1) }, curvature: curvIts.map(curv) };
  };

  it('stores gradEvals and curvature with the points, and restores them', async () => {
    const db = new MemoryRunDb();
    const a = page(db);
    a.store.getState().addRuns([meta('r1-e'), meta('r1-f')]);
    a.buffers.appendBatch(esgd('r1-e', 1, 20, [1, 2, 10, 20]));
    a.buffers.appendBatch(batch('r1-f', 1, 5));
    await a.persister.flush();
    a.buffers.appendBatch(esgd('r1-e', 21, 10, [30]));
    await a.persister.flush();
    // A batch of snapshots alone (no new points) is written too.
    a.buffers.appendBatch({ runId: 'r1-e', train: { iteration: [], epoch: [], loss: [], lr: [], time: [] }, evals: [], curvature: [curv(31)] });
    await a.persister.flush();
    expect(db.writes.length).toBe(3);
    expect(db.writes[2].chunks.map((c) => [c.iteration.length, c.curvature?.length])).toEqual([[0, 1]]);
    // The first-order run's chunks carry neither.
    const fChunk = db.writes[0].chunks.find((c) => c.iteration.length === 5)!;
    expect(fChunk).not.toHaveProperty('gradEvals');
    expect(fChunk).not.toHaveProperty('curvature');

    const b = page(db);
    expect(await b.persister.restore()).toBe(2);
    expect(b.buffers.get('r1-e')).toEqual(a.buffers.get('r1-e'));
    expect(b.buffers.get('r1-e').train.gradEvals).toEqual(Array.from({ length: 30 }, (_, i) => 2 * (i + 1) + 1));
    expect(b.buffers.curvature('r1-e').map((c) => c.iteration)).toEqual([1, 2, 10, 20, 30, 31]);
    expect(b.buffers.get('r1-f')).toEqual(a.buffers.get('r1-f'));
    expect(b.buffers.get('r1-f').train.gradEvals).toBeUndefined();
    // After a restore no chunk is rewritten (only the records, now 'interrupted'); new snapshots continue the chunks.
    await b.persister.flush();
    expect(db.writes.length).toBe(4);
    expect(db.writes[3].chunks).toEqual([]);
    b.buffers.appendBatch(esgd('r1-e', 31, 2, [32]));
    await b.persister.flush();
    expect(db.writes[4].chunks.map((c) => [c.seq, c.iteration.length, c.curvature?.map((r) => r.iteration)])).toEqual([[3, 2, [32]]]);
  });

  it('runs stored before gradEvals and curvature existed still load', async () => {
    const db = new MemoryRunDb();
    const a = page(db);
    a.store.getState().addRuns([meta('r1-a')]);
    a.buffers.appendBatch(batch('r1-a', 1, 12));
    await a.persister.flush();
    // What an older build wrote: no gradEvals / curvature keys at all.
    for (const c of db.chunks.values()) {
      delete (c as { gradEvals?: unknown }).gradEvals;
      delete (c as { curvature?: unknown }).curvature;
    }
    const b = page(db);
    expect(await b.persister.restore()).toBe(1);
    expect(b.buffers.get('r1-a')).toEqual(a.buffers.get('r1-a'));
    expect(b.buffers.view('r1-a')!.gradEvals).toBeUndefined();
    expect(b.buffers.curvature('r1-a')).toEqual([]);
  });
});
