import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataFormatError } from '../../src/data/errors';
import { hasTar, rejected, thrown } from './dataHelpers';
import { gunzipTo } from '../../src/data/gzip';
import { encodeTar, looksLikeTar, parseTar } from '../../src/data/tar';

/** Recompute the checksum of the header at `off` after a test edited it. */
function fixChecksum(tar: Uint8Array, off: number): void {
  const h = tar.subarray(off, off + 512);
  h.fill(0x20, 148, 156);
  const sum = h.reduce((a, b) => a + b, 0);
  h.set(new TextEncoder().encode(sum.toString(8).padStart(6, '0') + '\0 '), 148);
}

const bytesOf = (s: string) => new TextEncoder().encode(s);
const LONG_DIR = 'some-rather-long-directory-name-' + 'x'.repeat(60); // 92 chars
const PREFIX_PATH = `${LONG_DIR}/another-long-directory/file-in-prefix.bin`; // > 100, splits at a '/'
const GNU_LONG_PATH = 'y'.repeat(180) + '.bin'; // no '/': needs a GNU 'L' entry

function sample(): { path: string; data: Uint8Array }[] {
  return [
    { path: 'top/hello.txt', data: bytesOf('hello, tar\n') },
    { path: 'top/empty.bin', data: new Uint8Array(0) },
    { path: 'top/exact512.bin', data: new Uint8Array(512).map((_, i) => i & 0xff) },
    { path: PREFIX_PATH, data: new Uint8Array(1000).map((_, i) => (i * 7) & 0xff) },
    { path: GNU_LONG_PATH, data: bytesOf('long') },
  ];
}

describe('encodeTar / parseTar', () => {
  it('round-trips files, skips directories, joins the ustar prefix and resolves GNU long names', () => {
    const files = sample();
    const tar = encodeTar([{ path: 'top', type: 'dir' }, ...files.slice(0, 3), { path: 'top/sub', type: 'dir' }, ...files.slice(3)]);
    expect(tar.length % 512).toBe(0);
    const entries = parseTar(tar, 'sample.tar');
    expect(entries.map((e) => e.path)).toEqual(files.map((f) => f.path));
    entries.forEach((e, i) => expect(Array.from(e.data)).toEqual(Array.from(files[i].data)));
    // Views into the input, not copies.
    for (const e of entries) expect(e.data.buffer).toBe(tar.buffer);
  });

  it('uses the prefix field for splittable long paths and an L entry otherwise', () => {
    const tar = encodeTar([{ path: PREFIX_PATH, data: bytesOf('a') }]);
    expect(tar[156]).toBe('0'.charCodeAt(0));
    expect(new TextDecoder().decode(tar.subarray(345, 345 + LONG_DIR.length))).toBe(LONG_DIR);
    const gnu = encodeTar([{ path: GNU_LONG_PATH, data: bytesOf('a') }]);
    expect(String.fromCharCode(gnu[156])).toBe('L');
    expect(parseTar(gnu, 'g.tar')[0].path).toBe(GNU_LONG_PATH);
  });

  it('parses an archive inside a larger buffer (non-zero byteOffset)', () => {
    const tar = encodeTar([{ path: 'a.bin', data: bytesOf('abc') }]);
    const big = new Uint8Array(tar.length + 100);
    big.set(tar, 37);
    const entries = parseTar(big.subarray(37, 37 + tar.length), 'x.tar');
    expect(entries).toHaveLength(1);
    expect(new TextDecoder().decode(entries[0].data)).toBe('abc');
  });

  it('accepts an archive without end-of-archive blocks, or cut inside them', () => {
    const tar = encodeTar([{ path: 'a.bin', data: bytesOf('abc') }]);
    expect(parseTar(tar.subarray(0, 1024), 'x.tar')).toHaveLength(1); // no zero blocks at all
    expect(parseTar(tar.subarray(0, 1024 + 100), 'x.tar')).toHaveLength(1); // part of one
  });

  it('reads pax path records', () => {
    const path = 'pax/' + 'z'.repeat(200) + '.bin';
    const rec = (k: string, v: string) => {
      const body = ` ${k}=${v}\n`;
      let len = body.length + 1;
      while (String(len).length + body.length !== len) len++;
      return `${len}${body}`;
    };
    const paxData = bytesOf(rec('path', path));
    const tar = encodeTar([
      { path: 'PaxHeader/x', data: paxData },
      { path: 'short-name.bin', data: bytesOf('pax!') },
    ]);
    tar[156] = 'x'.charCodeAt(0);
    fixChecksum(tar, 0);
    const entries = parseTar(tar, 'pax.tar');
    expect(entries.map((e) => e.path)).toEqual([path]);
    expect(new TextDecoder().decode(entries[0].data)).toBe('pax!');
  });
});

describe.skipIf(!hasTar)('archives made by the real tar command', () => {
  for (const format of [null, 'gnu', 'ustar', 'pax'] as const) {
    // ustar cannot store the 184-character single-component name (tar's limit, not ours): leave it out there.
    const files = sample().filter((f) => format !== 'ustar' || f.path !== GNU_LONG_PATH);
    it(`tar -czf ${format ? `--format=${format}` : '(default format)'} parses to the same files`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tar-test-'));
      try {
        const root = join(dir, 'root');
        for (const f of files) {
          const p = join(root, f.path);
          mkdirSync(join(p, '..'), { recursive: true });
          writeFileSync(p, f.data);
        }
        mkdirSync(join(root, 'empty-dir'));
        const out = join(dir, 'out.tar.gz');
        const args = ['-czf', out, '-C', root, 'top', LONG_DIR, 'empty-dir'];
        if (format !== 'ustar') args.push(GNU_LONG_PATH);
        if (format) args.unshift(`--format=${format}`);
        execFileSync('tar', args, { stdio: 'pipe' });
        const gz = new Uint8Array(readFileSync(out));
        let calls = 0;
        const tar = await gunzipTo(gz, 'out.tar.gz', { onProgress: () => calls++ });
        expect(calls).toBeGreaterThan(0);
        const entries = parseTar(tar, 'out.tar.gz');
        const byPath = new Map(entries.map((e) => [e.path, e.data]));
        expect([...byPath.keys()].sort()).toEqual(files.map((f) => f.path).sort());
        for (const f of files) expect(Array.from(byPath.get(f.path)!)).toEqual(Array.from(f.data));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('looksLikeTar', () => {
  it('sees the ustar magic of a header, nothing else', () => {
    const tar = encodeTar([{ path: 'a.txt', data: new Uint8Array([1, 2, 3]) }]);
    expect(looksLikeTar(tar)).toBe(true);
    expect(looksLikeTar(new Uint8Array(gzipSync(tar)))).toBe(false);
    expect(looksLikeTar(tar.subarray(0, 511))).toBe(false);
    expect(looksLikeTar(new Uint8Array(1024))).toBe(false);
  });
});

describe('parseTar errors', () => {
  const valid = () => encodeTar([{ path: 'd', type: 'dir' }, { path: 'd/a.bin', data: new Uint8Array(700).fill(5) }]);

  it('empty input', () => {
    expect(thrown(() => parseTar(new Uint8Array(0), 'e.tar')).message).toBe('e.tar: empty file: not a tar archive');
  });

  it('something that is not a tar at all', () => {
    expect(thrown(() => parseTar(bytesOf('hello'), 'h.tar')).message).toMatch(/^h\.tar: not a tar archive: 5 bytes is shorter/);
    const junk = new Uint8Array(2048).map((_, i) => (i * 31 + 7) & 0xff);
    expect(thrown(() => parseTar(junk, 'j.tar')).message).toMatch(/^j\.tar: not a tar archive: (bad header checksum|unreadable header checksum field) at offset 0/);
    const gz = new Uint8Array(gzipSync(valid()));
    expect(thrown(() => parseTar(gz, 'still.gz')).message).toMatch(/not a tar archive/);
    expect(thrown(() => parseTar(new Uint8Array(1024), 'z.tar')).message).toMatch(/not a tar archive: starts with a zero block/);
  });

  it('bad checksum in a later header', () => {
    const t = valid();
    t[512 + 10] ^= 0x01; // inside the second header's name
    expect(thrown(() => parseTar(t, 'c.tar')).message).toMatch(/^c\.tar: bad header checksum \(stored \d+, computed \d+\) at offset 512: the archive is corrupt$/);
  });

  it('non-octal size field', () => {
    const t = valid();
    t.set(bytesOf('00000001x00'), 512 + 124);
    fixChecksum(t, 512);
    expect(thrown(() => parseTar(t, 's.tar')).message).toBe('s.tar: header at offset 512 has a malformed size field (not an octal number)');
    const t2 = valid();
    t2.set(bytesOf('0000000129 '), 512 + 124); // '9' is not octal
    fixChecksum(t2, 512);
    expect(thrown(() => parseTar(t2, 's.tar')).message).toMatch(/malformed size field/);
  });

  it('truncated data', () => {
    const t = valid();
    expect(thrown(() => parseTar(t.subarray(0, 1024 + 600), 't.tar')).message).toBe(
      't.tar: truncated: entry "d/a.bin" at offset 512 needs 700 bytes of data but only 600 remain',
    );
  });

  it('truncated header', () => {
    const t = valid();
    expect(thrown(() => parseTar(t.subarray(0, 512 + 200), 't.tar')).message).toBe(
      't.tar: truncated: header at offset 512 has only 200 of 512 bytes',
    );
  });

  it('a size bigger than the archive', () => {
    const t = valid();
    t.set(bytesOf('77777777777'), 512 + 124);
    fixChecksum(t, 512);
    expect(thrown(() => parseTar(t, 'big.tar')).message).toMatch(/truncated: entry "d\/a\.bin" at offset 512 needs 8589934591 bytes/);
  });

  it('a long-name header with nothing after it', () => {
    const t = encodeTar([{ path: GNU_LONG_PATH, data: bytesOf('a') }]);
    expect(thrown(() => parseTar(t.subarray(0, 1024), 'l.tar')).message).toMatch(/long-name or pax header with no entry after it/);
  });
});

describe('gunzipTo', () => {
  const payload = new Uint8Array(300_000).map((_, i) => (i * i) & 0xff);
  const gz = new Uint8Array(gzipSync(payload));

  it('decompresses and reports monotone progress ending at the total', async () => {
    const seen: [number, number][] = [];
    const out = await gunzipTo(gz, 'p.gz', { onProgress: (a, b) => seen.push([a, b]), chunkSize: 1000 });
    expect(out.length).toBe(payload.length);
    expect(out.every((v, i) => v === payload[i])).toBe(true);
    expect(seen.length).toBeGreaterThan(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i][0]).toBeGreaterThan(seen[i - 1][0]);
    expect(seen[seen.length - 1]).toEqual([gz.length, gz.length]);
  });

  it('not gzip', async () => {
    expect((await rejected(gunzipTo(bytesOf('PK\x03\x04'), 'a.zip'))).message).toBe(
      'a.zip: not gzip: the file starts with 50 4b, a gzip file starts with 1f 8b',
    );
    expect((await rejected(gunzipTo(new Uint8Array(0), 'e.gz'))).message).toMatch(/not gzip: the file starts with nothing/);
  });

  it('corrupt gzip data: truncated or damaged', async () => {
    expect((await rejected(gunzipTo(gz.subarray(0, gz.length >> 1), 't.gz'))).message).toMatch(/^t\.gz: corrupt gzip data: /);
    const bad = gz.slice();
    for (let i = 20; i < 60; i++) bad[i] ^= 0x5a;
    expect((await rejected(gunzipTo(bad, 'b.gz'))).message).toMatch(/^b\.gz: corrupt gzip data: /);
    const badCrc = gz.slice();
    badCrc[badCrc.length - 6] ^= 1; // CRC32 in the trailer
    expect((await rejected(gunzipTo(badCrc, 'crc.gz'))).message).toMatch(/^crc\.gz: corrupt gzip data: /);
  });
});

describe('fuzzing: only DataFormatError escapes', () => {
  const check = (bytes: Uint8Array) => {
    try {
      const entries = parseTar(bytes, 'fuzz.tar');
      for (const e of entries) {
        expect(typeof e.path).toBe('string');
        expect(e.data.buffer).toBe(bytes.buffer);
        expect(e.data.byteOffset + e.data.length).toBeLessThanOrEqual(bytes.byteOffset + bytes.length);
      }
    } catch (e) {
      if (!(e instanceof DataFormatError)) throw e;
      expect(e.message.startsWith('fuzz.tar: ')).toBe(true);
    }
  };
  const base = encodeTar([
    { path: 'dir', type: 'dir' },
    { path: 'dir/a.bin', data: new Uint8Array(600).fill(1) },
    { path: PREFIX_PATH, data: bytesOf('prefix') },
    { path: GNU_LONG_PATH, data: bytesOf('gnu') },
  ]);

  it('arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), (b) => check(b)), { numRuns: 500 });
  });

  it('mutations and truncations of a valid tar (checksum optionally repaired)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.nat(base.length),
        fc.boolean(),
        (edits, cut, repair) => {
          const t = base.slice();
          for (const [i, v] of edits) t[i] = v;
          if (repair) for (let off = 0; off + 512 <= t.length; off += 512) fixChecksum(t, off);
          check(t.subarray(0, cut));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('header fields targeted with junk (checksum repaired)', () => {
    // Size, typeflag, magic and name fields of the headers at 0, 512, 1024, ...
    const fields = [0, 99, 124, 130, 135, 156, 257, 262, 345];
    fc.assert(
      fc.property(
        fc.nat(7),
        fc.constantFrom(...fields),
        fc.uint8Array({ minLength: 1, maxLength: 12 }),
        (blk, fld, junk) => {
          const t = base.slice();
          const off = blk * 512 + fld;
          t.set(junk.subarray(0, Math.max(0, Math.min(junk.length, t.length - off))), off);
          fixChecksum(t, blk * 512);
          check(t);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('gunzipTo on mutated gzip data', async () => {
    const gz = new Uint8Array(gzipSync(base));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(gz.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.nat(gz.length),
        async (edits, cut) => {
          const g = gz.slice(0, cut);
          for (const [i, v] of edits) if (i < g.length) g[i] = v;
          try {
            check(await gunzipTo(g, 'fuzz.tar'));
          } catch (e) {
            if (!(e instanceof DataFormatError)) throw e;
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
