// Test helpers: the DataFormatError a call throws (or a promise rejects with); anything else fails the test.
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
