import { describe, expect, it } from 'vitest';
import { SeriesBuffers } from '../../src/series/buffers';

describe('SeriesBuffers', () => {
  const batch = (runId: string, from: number, n: number) => ({
    runId,
    train: {
      iteration: Array.from({ length: n }, (_, i) => from + i),
      epoch: Array.from({ length: n }, () => 0),
      loss: Array.from({ length: n }, (_, i) => 2 - (from + i) / 1000),
      lr: Array.from({ length: n }, () => 1e-3),
      time: Array.from({ length: n }, (_, i) => (from + i) / 100),
    },
    evals: from === 1 ? [{ iteration: 0, epoch: 0, time: 0, valLoss: 2.3, valAccuracy: 0.1 }] : [],
  });

  it('appends batches into growable columns, keeps raw series intact and notifies', () => {
    const b = new SeriesBuffers();
    const seen: string[][] = [];
    const unsub = b.subscribe((ids) => seen.push([...ids]));
    b.appendBatch(batch('a', 1, 1000));
    b.appendBatch(batch('a', 1001, 1500));
    b.appendBatch(batch('b', 1, 3));
    expect(b.length('a')).toBe(2500);
    const a = b.get('a');
    expect(a.train.iteration.length).toBe(2500);
    expect(a.train.iteration[0]).toBe(1);
    expect(a.train.iteration[2499]).toBe(2500);
    expect(a.train.loss[1999]).toBeCloseTo(2 - 2000 / 1000, 12);
    expect(a.evals).toEqual([{ iteration: 0, epoch: 0, time: 0, valLoss: 2.3, valAccuracy: 0.1 }]);
    expect(b.view('a')?.iteration.length).toBe(2500);
    expect(b.lastEval('b')?.valAccuracy).toBe(0.1);
    expect(seen).toEqual([['a'], ['a'], ['b']]);
    unsub();
    b.appendBatch(batch('b', 4, 1));
    expect(seen.length).toBe(3);
    // get() returns copies: mutating them does not touch the buffers.
    a.train.loss[0] = 99;
    expect(b.get('a').train.loss[0]).toBe(2 - 1 / 1000);
  });

  it('versions change per append; unknown runs read as empty; clear empties everything', () => {
    const b = new SeriesBuffers();
    b.ensure('x');
    const v0 = b.view('x')!.version;
    b.appendBatch(batch('x', 1, 2));
    expect(b.view('x')!.version).toBeGreaterThan(v0);
    expect(b.get('nope').train.iteration).toEqual([]);
    expect(b.view('nope')).toBeUndefined();
    b.clear();
    expect(b.has('x')).toBe(false);
  });
});

describe('SeriesBuffers: what persistence and import use', () => {
  const b3 = (runId: string, from: number) => ({
    runId,
    train: { iteration: [from, from + 1, from + 2], epoch: [0, 0, 0], loss: [3, 2, 1], lr: [1, 2, 3], time: [0.1, 0.2, 0.3] },
    evals: [{ iteration: from + 2, epoch: 0, time: 0.3, valLoss: 1.5, valAccuracy: 0.4 }],
  });

  it('tail copies only the points after the given counts', () => {
    const b = new SeriesBuffers();
    b.appendBatch(b3('a', 1));
    b.appendBatch(b3('a', 4));
    const t = b.tail('a', 4, 1);
    expect(Array.from(t.iteration)).toEqual([5, 6]);
    expect(Array.from(t.loss)).toEqual([2, 1]);
    expect(t.evals.map((e) => e.iteration)).toEqual([6]);
    t.loss[0] = 99; // a copy
    expect(b.get('a').train.loss[4]).toBe(2);
    expect(b.evalCount('a')).toBe(2);
    expect(b.tail('none', 0, 0).iteration.length).toBe(0);
  });

  it('load replaces a series, rename moves it, delete forgets it; each notifies', () => {
    const b = new SeriesBuffers();
    const seen: string[][] = [];
    b.subscribe((ids) => seen.push([...ids].sort()));
    b.appendBatch(b3('a', 1));
    b.load('a', { train: { iteration: Float64Array.from([7]), epoch: [0], loss: [0.5], lr: [0.1], time: [NaN] }, evals: [] });
    expect(b.get('a').train.iteration).toEqual([7]);
    expect(b.evalCount('a')).toBe(0);
    b.rename('a', 'b');
    expect(b.has('a')).toBe(false);
    expect(b.get('b').train.loss).toEqual([0.5]);
    b.delete('b');
    expect(b.has('b')).toBe(false);
    expect(seen).toEqual([['a'], ['a'], ['a', 'b'], ['b']]);
  });
});

describe('SeriesBuffers: second-order runs (gradEvals, curvature)', () => {
  const curv = (iteration: number) => ({ iteration, layers: [{ layer: 'layers.0', q10: 0.1, q50: 0.2, q90: iteration }] });
  const b2 = (runId: string, from: number, withCurvature: boolean) => ({
    runId,
    train: { iteration: [from, from + 1], epoch: [0, 0], loss: [2, 1], lr: [0.1, 0.1], time: [0.1, 0.2], gradEvals: [from * 3, from * 3 + 3] },
    evals: [],
    ...(withCurvature ? { curvature: [curv(from), curv(from + 1)] } : {}),
  });

  it('keeps gradEvals as a column and curvature records in order; get, view and tail carry them', () => {
    const b = new SeriesBuffers();
    b.appendBatch(b2('s', 1, true));
    b.appendBatch(b2('s', 3, false));
    b.appendBatch(b2('s', 5, true));
    const d = b.get('s');
    expect(d.train.gradEvals).toEqual([3, 6, 9, 12, 15, 18]);
    expect(d.curvature?.map((c) => c.iteration)).toEqual([1, 2, 5, 6]);
    const v = b.view('s')!;
    expect(v.gradEvals).toBeInstanceOf(Float64Array);
    expect(Array.from(v.gradEvals!)).toEqual([3, 6, 9, 12, 15, 18]);
    expect(v.curvature.length).toBe(4);
    expect(b.curvature('s')).toBe(v.curvature);
    expect(b.curvatureCount('s')).toBe(4);
    expect(b.lastGradEvals('s')).toBe(18);
    const t = b.tail('s', 4, 0, 2);
    expect(Array.from(t.gradEvals!)).toEqual([15, 18]);
    expect(t.curvature?.map((c) => c.iteration)).toEqual([5, 6]);
    expect(b.tail('s', 6, 0, 4).curvature).toBeUndefined();
  });

  it('a first-order run has no gradEvals column and no curvature (memory: nothing allocated)', () => {
    const b = new SeriesBuffers();
    b.appendBatch({ runId: 'f', train: { iteration: [1, 2], epoch: [0, 0], loss: [1, 1], lr: [1, 1], time: [0, 0] }, evals: [] });
    expect(b.get('f').train.gradEvals).toBeUndefined();
    expect(b.get('f').curvature).toBeUndefined();
    expect(b.view('f')!.gradEvals).toBeUndefined();
    expect(b.view('f')!.curvature).toEqual([]);
    expect(b.tail('f', 0, 0).gradEvals).toBeUndefined();
    expect(b.lastGradEvals('f')).toBeUndefined();
    expect(b.curvatureCount('f')).toBe(0);
  });

  it('points that came without gradEvals read as their iterations (before and after the column appears)', () => {
    const b = new SeriesBuffers();
    b.appendBatch({ runId: 'm', train: { iteration: [1, 2], epoch: [0, 0], loss: [1, 1], lr: [1, 1], time: [0, 0] }, evals: [] });
    b.appendBatch(b2('m', 3, false));
    b.appendBatch({ runId: 'm', train: { iteration: [5], epoch: [0], loss: [1], lr: [1], time: [0] }, evals: [] });
    expect(b.get('m').train.gradEvals).toEqual([1, 2, 9, 12, 5]);
  });

  it('load takes gradEvals and curvature (a restored or imported run), and an undo gets them back', () => {
    const b = new SeriesBuffers();
    b.load('r', {
      train: { iteration: [1, 2], epoch: [0, 0], loss: [1, 1], lr: [1, 1], time: [0, 0], gradEvals: Float64Array.from([2, 4]) },
      evals: [],
      curvature: [curv(1)],
    });
    const d = b.get('r');
    expect(d.train.gradEvals).toEqual([2, 4]);
    expect(d.curvature).toEqual([curv(1)]);
    b.delete('r');
    b.load('r', d);
    expect(b.get('r')).toEqual(d);
    // rename keeps them
    b.rename('r', 'q');
    expect(b.get('q')).toEqual(d);
  });
});
