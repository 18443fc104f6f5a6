// The runs store's actions that move series with them: import, delete/undo, show/hide.
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/engine/types';
import { SeriesBuffers } from '../../src/series/buffers';
import { createRunsStore } from '../../src/store/runsStore';
import { batch, CONFIG, meta } from './persistHelpers';

function record(runId: string, optimizer: string): RunRecord {
  const b = batch(runId, 1, 4);
  return { runId, config: { ...CONFIG, optimizer }, backend: 'cpu', state: 'done', train: b.train, evals: b.evals };
}

describe('runs store', () => {
  it('imports runs under free ids with "(imported)" labels, their series loaded and shown in the charts', () => {
    const buffers = new SeriesBuffers();
    const store = createRunsStore(buffers);
    store.getState().addRuns([meta('r1-SGD', { label: 'SGD' })]);
    const ids = store.getState().importRuns([record('r1-SGD', 'SGD'), record('x', 'SGD')]);
    expect(ids).toEqual(['r1-SGD~2', 'x']);
    const s = store.getState();
    expect(ids.map((id) => s.runs[id].label)).toEqual(['SGD (imported)', 'SGD (imported 2)']);
    expect(s.runs['x']).toMatchObject({ batch: 0, state: 'done', iteration: 4, total: 4, backend: 'cpu' });
    expect(s.current).toEqual(['r1-SGD', 'r1-SGD~2', 'x']);
    expect(buffers.get('x').train.iteration).toEqual([1, 2, 3, 4]);
    expect(new Set(ids.map((id) => s.runs[id].storageKey)).size).toBe(2);
  });

  it('undo puts a deleted run back where it was, with its series; show/hide keeps the list order', () => {
    const buffers = new SeriesBuffers();
    const store = createRunsStore(buffers);
    store.getState().addRuns([meta('a'), meta('b'), meta('c')]);
    buffers.appendBatch(batch('b', 1, 3));
    store.getState().deleteRun('b');
    expect(store.getState().order).toEqual(['a', 'c']);
    expect(buffers.has('b')).toBe(false);
    store.getState().undoDelete();
    expect(store.getState().order).toEqual(['a', 'b', 'c']);
    expect(buffers.length('b')).toBe(3);
    store.getState().setShown('a', false);
    store.getState().setShown('a', true);
    expect(store.getState().current).toEqual(['a', 'b', 'c']);
  });
});
