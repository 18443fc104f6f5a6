// The page's persistence: opens the runs database, restores the stored runs, then keeps storage in
// step (src/persist/persister.ts). Any storage failure becomes one alert; the page keeps working in memory.
import { create } from 'zustand';
import { storageError } from '../data/storedData';
import { seriesBuffers } from '../series/buffers';
import { useRunsStore } from './runsStore';
import { RunPersister } from '../persist/persister';
import { openRunDb, type RunDb } from '../persist/runDb';

/** What the runs list says about storage. */
export type PersistState = 'starting' | 'pending' | 'saving' | 'saved' | 'off';

export const usePersistStore = create<{ state: PersistState }>()(() => ({ state: 'starting' }));

const setState = (state: PersistState) => {
  if (usePersistStore.getState().state !== state) usePersistStore.setState({ state });
};

const KEPT_IN_MEMORY = 'The page keeps working, but runs are kept only until the page is closed (export them as CSV to keep them).';

let started = false;

/** Starts persistence once (later calls do nothing). */
export function startPersistence(): void {
  if (started) return;
  started = true;
  void run();
}

async function run(): Promise<void> {
  const fail = (e: unknown, action: string) => {
    setState('off');
    useRunsStore.getState().addError(`${storageError(e, action).message}. ${KEPT_IN_MEMORY}`);
  };
  let db: RunDb;
  try {
    db = await openRunDb();
  } catch (e) {
    fail(e, 'open the runs storage of this browser');
    return;
  }
  const persister = new RunPersister(db, useRunsStore, seriesBuffers, {
    onError: (e) => fail(e, 'save runs in this browser'),
    onState: setState,
  });
  try {
    await persister.restore();
  } catch (e) {
    fail(e, 'read the runs stored in this browser');
    return;
  }
  persister.start();
  // Last chance before the page goes away (the transaction may or may not finish: the data up to
  // the previous flush, at most ~1 s old, is stored either way).
  const flushNow = () => void persister.flush();
  addEventListener('pagehide', flushNow);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flushNow();
  });
}
