// Test helpers for the data layer: the DataFormatError a call throws (or a promise rejects with; anything
// else fails the test), whether the system `tar` command is there to make real archives, and an
// in-memory dataset store.
import { execFileSync } from 'node:child_process';
import { expect } from 'vitest';
import { DataFormatError } from '../../src/data/errors';
import type { DatasetStore, StoredRecord } from '../../src/data/storedData';
import type { DatasetName } from '../../src/engine/types';

export function thrown(fn: () => unknown): DataFormatError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DataFormatError);
    return e as DataFormatError;
  }
  throw new Error('expected a DataFormatError');
}

export async function rejected(p: Promise<unknown>): Promise<DataFormatError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DataFormatError);
    return e as DataFormatError;
  }
  throw new Error('expected a DataFormatError');
}

export const hasTar = (() => {
  try {
    execFileSync('tar', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** A dataset store in memory, as IndexedDB behaves (structured clones in and out), with injectable failures. */
export class MapStore implements DatasetStore {
  readonly records = new Map<DatasetName, StoredRecord>();
  failPut: Error | null = null;
  failGet: Error | null = null;
  async get(name: DatasetName) {
    if (this.failGet) throw this.failGet;
    const r = this.records.get(name);
    return r === undefined ? undefined : structuredClone(r);
  }
  async put(rec: StoredRecord) {
    if (this.failPut) throw this.failPut;
    this.records.set(rec.dataset, structuredClone(rec));
  }
  async delete(name: DatasetName) {
    this.records.delete(name);
  }
}

