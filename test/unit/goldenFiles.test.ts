// The golden files and the spec are copies whose numbers must never be edited (test/golden/PROVENANCE.md):
// each file's sha256 must be the one recorded there when it was copied.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const GOLDEN = path.resolve(__dirname, '../golden');

/** `file -> sha256` from the provenance table's rows (| `name` | `hash` | …). */
function recordedHashes(): Map<string, string> {
  const table = readFileSync(path.join(GOLDEN, 'PROVENANCE.md'), 'utf8');
  const rows = [...table.matchAll(/^\| `([^`]+)` \| `([0-9a-f]{64})` \|/gm)];
  return new Map(rows.map((m) => [m[1], m[2]]));
}

describe('golden files are the recorded copies', () => {
  const hashes = recordedHashes();
  it('records the five copied files and the stacks golden generated here', () => {
    expect([...hashes.keys()].sort()).toEqual(['../spec/hypergradient.md', 'P1.json', 'P2.json', 'README.md', 'second_order_P2.json', 'stack_reference.json']);
  });
  for (const [name, hash] of hashes) {
    it(`${name} has its recorded sha256`, () => {
      const bytes = readFileSync(path.join(GOLDEN, name));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(hash);
    });
  }
});
