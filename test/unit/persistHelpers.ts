// An in-memory RunDb (structured clones in and out, like IndexedDB) and small run builders for the
// persistence tests.
import type { MetricBatch, TrainConfig } from '../../src/engine/types';
import type { RunDb } from '../../src/persist/runDb';
import type { PersistedChunk, PersistedRun, RunDbWrite, SessionRecord } from '../../src/persist/runRecords';
import type { RunMeta } from '../../src/persist/runMeta';
import { RunPersister } from '../../src/persist/persister';
import { SeriesBuffers } from '../../src/series/buffers';
import { createRunsStore } from '../../src/store/runsStore';

export class MemoryRunDb implements RunDb {
  runs = new Map<string, PersistedRun>();
  chunks = new Map<string, PersistedChunk>();
  session: SessionRecord | undefined;
  writes: RunDbWrite[] = [];
  /** When set, the next write rejects with it (and writes nothing, as an aborted transaction). */
  failNext: Error | null = null;

  async loadRuns() {
    return { runs: [...this.runs.values()].map((r) => structuredClone(r)), session: structuredClone(this.session) };
  }

  async loadChunks(key: string) {
    return [...this.chunks.values()].filter((c) => c.key === key).map((c) => structuredClone(c)).reverse();
  }

  async write(w: RunDbWrite) {
    if (this.failNext) {
      const e = this.failNext;
      this.failNext = null;
      throw e;
    }
    this.writes.push(w);
    const c = structuredClone(w);
    for (const key of c.deletes) {
      this.runs.delete(key);
      for (const [k, ch] of this.chunks) if (ch.key === key) this.chunks.delete(k);
    }
    for (const r of c.runs) this.runs.set(r.key, r);
    for (const ch of c.chunks) {
      const k = `${ch.key}#${ch.seq}`;
      if (this.chunks.has(k)) throw new Error(`chunk ${k} written twice`);
      this.chunks.set(k, ch);
    }
    if (c.session) this.session = c.session;
  }
}

export const CONFIG: TrainConfig = {
  dataset: 'mnist', model: 'ffnn100', optimizer: 'SGD-HD', alpha0: 1e-3, beta: 1e-3, momentum: 0.9,
  weightDecay: 0, batchSize: 100, epochs: 1, iterations: 50, seed: 1, evalEvery: 10,
};

export function meta(runId: string, over: Partial<RunMeta> = {}): RunMeta {
  return { runId, label: runId, batch: 1, config: CONFIG, backend: 'wasm', state: 'training', iteration: 0, total: 50, ...over };
}

/** Iterations from..from+n-1 with loss 1/it, lr 1e-3·it, epoch it/600, time it/10; an eval at every multiple of 10. */
export function batch(runId: string, from: number, n: number): MetricBatch {
  const its = Array.from({ length: n }, (_, i) => from + i);
  return {
    runId,
    train: { iteration: its, epoch: its.map((i) => i / 600), loss: its.map((i) => 1 / i), lr: its.map((i) => 1e-3 * i), time: its.map((i) => i / 10) },
    evals: its.filter((i) => i % 10 === 0).map((i) => ({ iteration: i, epoch: i / 600, time: i / 10, valLoss: 2 / i, valAccuracy: i / 100 })),
  };
}

/** A page's series buffers, runs store and persister over `db` (written only by flush(), errors ignored). */
export function persistedPage(db: RunDb) {
  const buffers = new SeriesBuffers();
  const store = createRunsStore(buffers);
  return { buffers, store, persister: new RunPersister(db, store, buffers, { delayMs: 1e9, onError: () => {} }) };
}
