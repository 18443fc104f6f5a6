// A Stack run's tuned hyperparameters (TrainColumns.hp: μ, β₁, β₂, γ) kept like gradEvals: the
// series buffers (late columns, views, tails, copies), persisted chunks (validation, merge) and a
// persist → restore round trip.
import { describe, expect, it } from 'vitest';
import type { MetricBatch, TrainColumns } from '../../src/engine/types';
import { mergeChunks, type PersistedChunk } from '../../src/persist/runRecords';
import { SeriesBuffers } from '../../src/series/buffers';
import { batch, meta, MemoryRunDb, persistedPage } from './persistHelpers';

const f = (xs: number[]) => Float64Array.from(xs);

function stackBatch(runId: string, its: number[], hp: TrainColumns['hp']): MetricBatch {
  return {
    runId,
    train: { iteration: its, epoch: its.map(() => 0), loss: its.map((i) => 1 / i), lr: its.map((i) => 0.01 * i), time: its.map((i) => i / 10), hp },
    evals: [],
  };
}

describe('SeriesBuffers: hyperparameter columns (Stack runs)', () => {
  it('keeps each hp column; get, view and tail carry them; other runs have none', () => {
    const b = new SeriesBuffers();
    b.appendBatch(stackBatch('s', [1, 2], { mu: [0.9, 0.91] }));
    b.appendBatch(stackBatch('s', [3], { mu: [0.92] }));
    b.appendBatch(stackBatch('plain', [1, 2], undefined));
    expect(b.get('s').train.hp).toEqual({ mu: [0.9, 0.91, 0.92] });
    const v = b.view('s')!;
    expect(v.hp!.mu).toBeInstanceOf(Float64Array);
    expect(Array.from(v.hp!.mu!)).toEqual([0.9, 0.91, 0.92]);
    expect(Object.keys(v.hp!)).toEqual(['mu']);
    expect(Array.from(b.tail('s', 2, 0).hp!.mu!)).toEqual([0.92]);
    expect(b.get('plain').train.hp).toBeUndefined();
    expect(b.view('plain')!.hp).toBeUndefined();
    expect(b.tail('plain', 0, 0)).not.toHaveProperty('hp');
  });

  it('a column that comes late, or a batch without it, reads NaN for those points (columns stay as long as iteration)', () => {
    const b = new SeriesBuffers();
    b.appendBatch(stackBatch('s', [1, 2], undefined));
    b.appendBatch(stackBatch('s', [3], { beta1: [0.8], beta2: [0.99] }));
    b.appendBatch(stackBatch('s', [4], { beta1: [0.85] })); // β₂ missing
    b.appendBatch(stackBatch('s', [5, 6], { beta1: [0.7], beta2: [0.9, 0.9] })); // β₁ of the wrong length
    const hp = b.get('s').train.hp!;
    expect(hp.beta1).toEqual([NaN, NaN, 0.8, 0.85, NaN, NaN]);
    expect(hp.beta2).toEqual([NaN, NaN, 0.99, NaN, 0.9, 0.9]);
    expect(Object.keys(hp)).toEqual(['beta1', 'beta2']); // HP_NAMES order
    expect(b.get('s').train.iteration.length).toBe(6);
  });

  it('load takes hp columns (a restored or imported run); one of the wrong length is dropped', () => {
    const b = new SeriesBuffers();
    b.load('r', {
      train: { iteration: [1, 2], epoch: [0, 0], loss: [1, 1], lr: [1, 1], time: [0, 0], hp: { gamma: f([0.9, 0.95]), mu: [1] } },
      evals: [],
    });
    expect(b.get('r').train.hp).toEqual({ gamma: [0.9, 0.95] });
  });
});

describe('persisted chunks with hp columns', () => {
  const chunk = (seq: number, its: number[], hp?: PersistedChunk['hp']): PersistedChunk => ({
    key: 'k', seq, iteration: f(its), epoch: f(its.map(() => 0)), loss: f(its), lr: f(its), time: f(its), evals: [],
    ...(hp ? { hp } : {}),
  });

  it('merges them in seq order; chunks without a column read NaN there', () => {
    const m = mergeChunks([chunk(1, [3], { mu: f([0.3]), gamma: f([0.5]) }), chunk(0, [1, 2], { mu: f([0.1, 0.2]) }), chunk(2, [4])]);
    expect(Array.from(m.train.hp!.mu!)).toEqual([0.1, 0.2, 0.3, NaN]);
    expect(Array.from(m.train.hp!.gamma!)).toEqual([NaN, NaN, 0.5, NaN]);
    expect(Object.keys(m.train.hp!)).toEqual(['mu', 'gamma']);
    expect(mergeChunks([chunk(0, [1, 2])]).train.hp).toBeUndefined();
  });

  it('skips a chunk whose hp is malformed', () => {
    const bad = [
      chunk(1, [3, 4], { mu: f([1]) }), // wrong length
      { ...chunk(1, [3, 4]), hp: { mu: [1, 2] } }, // not a Float64Array
      { ...chunk(1, [3, 4]), hp: { alpha: f([1, 2]) } }, // not a name we stream
      { ...chunk(1, [3, 4]), hp: [f([1, 2])] }, // not a record
    ];
    for (const b of bad) {
      const m = mergeChunks([chunk(0, [1, 2], { mu: f([0.1, 0.2]) }), b]);
      expect(Array.from(m.train.iteration)).toEqual([1, 2]);
      expect(Array.from(m.train.hp!.mu!)).toEqual([0.1, 0.2]);
    }
  });
});

describe('RunPersister: hp columns', () => {
  it('stores them with the points and restores them', async () => {
    const db = new MemoryRunDb();
    const mk = () => persistedPage(db);
    const a = mk();
    a.store.getState().addRuns([meta('r1-s'), meta('r1-p')]);
    a.buffers.appendBatch(stackBatch('r1-s', [1, 2], { beta1: [0.9, 0.8], beta2: [0.999, 0.998] }));
    a.buffers.appendBatch(batch('r1-p', 1, 4));
    await a.persister.flush();
    a.buffers.appendBatch(stackBatch('r1-s', [3], { beta1: [0.7], beta2: [0.997] }));
    await a.persister.flush();
    expect(db.writes[1].chunks.map((c) => c.hp && Array.from(c.hp.beta1!))).toEqual([[0.7]]);
    expect(db.writes[0].chunks.find((c) => c.iteration.length === 4)).not.toHaveProperty('hp');
    const b = mk();
    expect(await b.persister.restore()).toBe(2);
    expect(b.buffers.get('r1-s')).toEqual(a.buffers.get('r1-s'));
    expect(b.buffers.get('r1-s').train.hp).toEqual({ beta1: [0.9, 0.8, 0.7], beta2: [0.999, 0.998, 0.997] });
    expect(b.buffers.get('r1-p').train.hp).toBeUndefined();
  });
});
