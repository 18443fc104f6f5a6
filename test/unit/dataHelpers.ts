// Test helpers for the data layer: the DataFormatError a call throws (or a promise rejects with; anything
// else fails the test), and whether the system `tar` command is there to make real archives.
import { execFileSync } from 'node:child_process';
import { expect } from 'vitest';
import { DataFormatError } from '../../src/data/errors';

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
