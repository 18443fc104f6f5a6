// The runs database in IndexedDB (layout: runRecords.ts), on the helpers of src/util/idb.ts like
// src/data/storedData.ts. Every write is one transaction: a flush lands whole or not at all.
import { committed, openDatabase, request } from '../util/idb';
import { RUNS_DB_NAME, RUNS_DB_VERSION, SESSION_KEY, type RunDbWrite } from './runRecords';

/** What the persister needs from storage (IndexedDB in the page, a Map in tests). */
export interface RunDb {
  /** Every run record and the session record (unvalidated: the caller checks them). */
  loadRuns(): Promise<{ runs: unknown[]; session: unknown }>;
  /** Every chunk of one run (any order). */
  loadChunks(key: string): Promise<unknown[]>;
  write(w: RunDbWrite): Promise<void>;
}

const RUNS = 'runs';
const CHUNKS = 'chunks';
const SESSION = 'session';

/** All chunks of a run: keys [key, seq] for every seq. */
const chunkRange = (key: string) => IDBKeyRange.bound([key, -Infinity], [key, Infinity]);

/** Opens (creating on first use) the runs database. Rejects when the browser offers no IndexedDB here. */
export function openRunDb(factory: IDBFactory | undefined = globalThis.indexedDB): Promise<RunDb> {
  return openDatabase(factory, RUNS_DB_NAME, RUNS_DB_VERSION, (db) => {
    if (!db.objectStoreNames.contains(RUNS)) db.createObjectStore(RUNS, { keyPath: 'key' });
    if (!db.objectStoreNames.contains(CHUNKS)) db.createObjectStore(CHUNKS, { keyPath: ['key', 'seq'] });
    if (!db.objectStoreNames.contains(SESSION)) db.createObjectStore(SESSION);
  }).then((db): RunDb => ({
    async loadRuns() {
      const tx = db.transaction([RUNS, SESSION], 'readonly');
      const [runs, session] = await Promise.all([request(tx.objectStore(RUNS).getAll()), request(tx.objectStore(SESSION).get(SESSION_KEY))]);
      return { runs, session };
    },
    async loadChunks(key) {
      return request(db.transaction(CHUNKS, 'readonly').objectStore(CHUNKS).getAll(chunkRange(key)));
    },
    async write(w) {
      const tx = db.transaction([RUNS, CHUNKS, SESSION], 'readwrite');
      const done = committed(tx);
      try {
        const runs = tx.objectStore(RUNS);
        const chunks = tx.objectStore(CHUNKS);
        for (const key of w.deletes) {
          runs.delete(key);
          chunks.delete(chunkRange(key));
        }
        for (const r of w.runs) runs.put(r);
        for (const c of w.chunks) chunks.put(c);
        if (w.session) tx.objectStore(SESSION).put(w.session, SESSION_KEY);
      } catch (e) {
        // A put can throw synchronously (DataCloneError…): abort so nothing half-written commits.
        done.catch(() => undefined);
        try {
          tx.abort();
        } catch {
          // already finished
        }
        throw e;
      }
      await done;
    },
  }));
}
