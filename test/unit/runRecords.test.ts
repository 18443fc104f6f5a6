import { describe, expect, it } from 'vitest';
import { createStamp, fromPersistedRun, mergeChunks, restoredMeta, toPersistedRun, type PersistedChunk } from '../../src/persist/runRecords';
import { meta } from './persistHelpers';

const f = (xs: number[]) => Float64Array.from(xs);
function chunk(seq: number, its: number[], evalIts: number[] = []): PersistedChunk {
  return {
    key: 'k', seq, iteration: f(its), epoch: f(its.map(() => 0)), loss: f(its.map((i) => 10 - i)), lr: f(its.map((i) => -i)), time: f(its),
    evals: evalIts.map((i) => ({ iteration: i, epoch: 0, time: i, valLoss: 1, valAccuracy: 0.5 })),
  };
}

describe('persisted run records', () => {
  it('merges chunks in seq order whatever order they are read in, and skips malformed ones', () => {
    const bad = { ...chunk(3, [99]), loss: [1] }; // a plain array where a Float64Array belongs
    const m = mergeChunks([chunk(2, [6, 7], [7]), bad, chunk(0, [1, 2, 3], [0]), chunk(1, [4, 5])]);
    expect(Array.from(m.train.iteration)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(m.train.loss)).toEqual([9, 8, 7, 6, 5, 4, 3]);
    expect(Array.from(m.train.lr)).toEqual([-1, -2, -3, -4, -5, -6, -7]);
    expect(m.evals.map((e) => e.iteration)).toEqual([0, 7]);
    // The next chunk follows the last good one (seq 2); the bad seq 3 is overwritten, not appended after.
    expect(m.nextSeq).toBe(3);
    expect(mergeChunks([]).nextSeq).toBe(0);
  });

  it('a run that was loading, training or paused comes back interrupted at its last stored iteration', () => {
    const series = mergeChunks([chunk(0, [1, 2, 3])]);
    for (const state of ['loading', 'training', 'paused'] as const) {
      const m = restoredMeta(meta('r', { state, iteration: 40 }), series, 'key');
      expect(m).toMatchObject({ state: 'interrupted', iteration: 3, storageKey: 'key' });
    }
    for (const state of ['done', 'diverged', 'stopped', 'error', 'interrupted'] as const) {
      expect(restoredMeta(meta('r', { state, iteration: 40 }), series, 'key')).toMatchObject({ state, iteration: 40 });
    }
  });

  it('round-trips a record and refuses foreign ones', () => {
    const rec = toPersistedRun({ ...meta('r1'), storageKey: 'k1' }, 'k1', 5);
    expect(rec.meta).not.toHaveProperty('storageKey');
    expect(fromPersistedRun(structuredClone(rec))).toEqual(rec);
    expect(fromPersistedRun({ ...rec, layout: 2 })).toBeNull();
    expect(fromPersistedRun({ ...rec, meta: { ...rec.meta, state: 'flying' } })).toBeNull();
    expect(fromPersistedRun(null)).toBeNull();
  });

  it('creation stamps are strictly increasing even within one millisecond', () => {
    expect(createStamp(0, 1000)).toBe(1000);
    expect(createStamp(1000, 1000)).toBe(1001);
    expect(createStamp(1005, 1000)).toBe(1006);
  });
});

describe('persisted chunks of second-order runs (gradEvals, curvature)', () => {
  const curv = (iteration: number) => ({ iteration, layers: [{ layer: 'layers.0', q10: 0.1, q50: 0.2, q90: 0.3 }] });
  const second = (seq: number, its: number[], curvIts: number[] = []): PersistedChunk => ({
    ...chunk(seq, its),
    gradEvals: f(its.map((i) => 2 * i)),
    ...(curvIts.length > 0 ? { curvature: curvIts.map(curv) } : {}),
  });

  it('merges gradEvals and curvature in seq order', () => {
    const m = mergeChunks(structuredClone([second(1, [3, 4], [4]), second(0, [1, 2], [1, 2])]));
    expect(Array.from(m.train.gradEvals!)).toEqual([2, 4, 6, 8]);
    expect(m.curvature?.map((c) => c.iteration)).toEqual([1, 2, 4]);
  });

  it('old chunks without them still load: a first-order run (no gradEvals, no curvature)', () => {
    const m = mergeChunks([chunk(0, [1, 2, 3], [0]), chunk(1, [4])]);
    expect(m.train.gradEvals).toBeUndefined();
    expect(m.curvature).toBeUndefined();
    expect(Array.from(m.train.iteration)).toEqual([1, 2, 3, 4]);
    // Mixed (a chunk written before the column existed): its points read as their iterations.
    expect(Array.from(mergeChunks([chunk(0, [1, 2]), second(1, [3])]).train.gradEvals!)).toEqual([1, 2, 6]);
  });

  it('skips a chunk whose gradEvals or curvature are malformed', () => {
    const good = second(0, [1, 2], [1]);
    for (const bad of [
      { ...second(1, [3, 4]), gradEvals: f([6]) }, // wrong length
      { ...second(1, [3, 4]), gradEvals: [6, 8] }, // not a Float64Array
      { ...second(1, [3, 4]), curvature: [{ iteration: 3, layers: [{ layer: 'x', q10: '1', q50: 1, q90: 1 }] }] },
      { ...second(1, [3, 4]), curvature: [{ iteration: 'three', layers: [] }] },
      { ...second(1, [3, 4]), curvature: { iteration: 3 } },
    ]) {
      const m = mergeChunks([good, bad]);
      expect(Array.from(m.train.iteration)).toEqual([1, 2]);
      expect(Array.from(m.train.gradEvals!)).toEqual([2, 4]);
      expect(m.curvature).toEqual([curv(1)]);
      expect(m.nextSeq).toBe(1);
    }
  });
});
