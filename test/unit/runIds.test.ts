import { describe, expect, it } from 'vitest';
import { freeId, importedLabel, uniqueIds } from '../../src/persist/runIds';

describe('run ids and labels without collisions', () => {
  it('freeId keeps a free id and numbers a taken one from 2', () => {
    expect(freeId('r1-SGD', () => false)).toBe('r1-SGD');
    const taken = new Set(['r1-SGD', 'r1-SGD~2']);
    expect(freeId('r1-SGD', (id) => taken.has(id))).toBe('r1-SGD~3');
    // A renamed id that collides again is renumbered, not suffixed twice.
    expect(freeId('r1-SGD~2', (id) => taken.has(id))).toBe('r1-SGD~3');
  });

  it('uniqueIds renames collisions with existing ids and within the list, in order', () => {
    expect(uniqueIds(['a', 'b', 'a', 'c'], new Set(['b']))).toEqual(['a', 'b~2', 'a~2', 'c']);
  });

  it('imported labels say so and are numbered when taken', () => {
    const labels = new Set(['Adam (imported)']);
    expect(importedLabel('SGD', (l) => labels.has(l))).toBe('SGD (imported)');
    expect(importedLabel('Adam', (l) => labels.has(l))).toBe('Adam (imported 2)');
  });
});
