// The few promise wrappers over IndexedDB that the dataset store (src/data/storedData.ts) and the runs
// database (src/persist/runDb.ts) share. No library: three functions cover both.

export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

/** Resolves when the transaction commits; rejects with its error when it aborts (e.g. quota). */
export function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
  });
}

/**
 * Opens (creating or upgrading with `upgrade`) a database. Rejects when the browser offers no IndexedDB
 * here, when opening fails, or when another tab blocks the upgrade.
 */
export function openDatabase(factory: IDBFactory | undefined, name: string, version: number, upgrade: (db: IDBDatabase) => void): Promise<IDBDatabase> {
  if (!factory) return Promise.reject(new Error('this browser offers no IndexedDB here'));
  return new Promise<IDBDatabase>((resolve, reject) => {
    let req: IDBOpenDBRequest;
    try {
      req = factory.open(name, version);
    } catch (e) {
      reject(e);
      return;
    }
    req.onupgradeneeded = () => upgrade(req.result);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('could not open IndexedDB'));
    req.onblocked = () => reject(new Error('IndexedDB is blocked by another tab of this page: close it and reload'));
  });
}
