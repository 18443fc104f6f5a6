// tar (POSIX ustar and GNU) reader, a minimal writer, and an in-memory gunzip.
//
// Enough of the format for the official `cifar-10-binary.tar.gz` and for archives made by GNU tar
// or bsdtar: 512-byte headers, octal (or GNU base-256) size, verified header checksum, regular files
// ('0', '\0', '7') kept, everything else (directories, links, devices) skipped, GNU long names ('L'),
// pax 'path'/'size' records ('x') and the ustar prefix field joined to the name. The archive ends at
// a zero block or at the end of the data. Pure and browser-and-Node: no fs, no DOM. File contents
// are never copied: each entry's `data` is a view into the input buffer.
// Every malformation becomes a DataFormatError naming the archive and the problem.

import { concatBytes } from './bytes';
import { DataFormatError } from './errors';

export interface TarEntry {
  /** Full path inside the archive (prefix/name joined, long names resolved). */
  path: string;
  /** The file's bytes: a subarray view into the archive, not a copy. */
  data: Uint8Array;
}

const BLOCK = 512;
const utf8 = new TextDecoder('utf-8');

/** A NUL-terminated string field. */
function field(h: Uint8Array, off: number, len: number): string {
  let end = off;
  while (end < off + len && h[end] !== 0) end++;
  return utf8.decode(h.subarray(off, end));
}

/** Octal numeric field: optional leading spaces/NULs, octal digits, then NUL/space terminators. Null when malformed. */
function octal(h: Uint8Array, off: number, len: number): number | null {
  let i = off;
  const end = off + len;
  while (i < end && (h[i] === 0x20 || h[i] === 0)) i++;
  let v = 0;
  for (; i < end && h[i] >= 0x30 && h[i] <= 0x37; i++) v = v * 8 + (h[i] - 0x30);
  for (; i < end; i++) if (h[i] !== 0x20 && h[i] !== 0) return null;
  return v; // an all-blank field reads as 0
}

/** The size field: octal, or GNU base-256 when the top bit of its first byte is set. */
function sizeField(h: Uint8Array): number | null {
  if (h[124] & 0x80) {
    if (h[124] & 0x40) return null; // negative
    let v = h[124] & 0x3f;
    for (let i = 125; i < 136; i++) v = v * 256 + h[i];
    return Number.isSafeInteger(v) ? v : null;
  }
  return octal(h, 124, 12);
}

function isZeroBlock(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

/** Unsigned (and, for old tars, signed) header sum with the checksum field counted as spaces. */
function checksums(h: Uint8Array): [number, number] {
  let u = 0;
  let s = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : h[i];
    u += b;
    s += b > 127 ? b - 256 : b;
  }
  return [u, s];
}

/** Parse the records of a pax extended header ("%d key=value\n"). Unparseable records are an error. */
function parsePax(data: Uint8Array, name: string, at: number): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < data.length) {
    if (data[i] === 0) break; // some writers pad with NULs
    let len = 0;
    let j = i;
    while (j < data.length && data[j] >= 0x30 && data[j] <= 0x39) len = len * 10 + (data[j++] - 0x30);
    if (j === i || data[j] !== 0x20 || len <= j - i + 1 || i + len > data.length || data[i + len - 1] !== 0x0a) {
      throw new DataFormatError(name, `malformed pax extended header at offset ${at}`);
    }
    const rec = utf8.decode(data.subarray(j + 1, i + len - 1));
    const eq = rec.indexOf('=');
    if (eq < 0) throw new DataFormatError(name, `malformed pax extended header at offset ${at}`);
    out.set(rec.slice(0, eq), rec.slice(eq + 1));
    i += len;
  }
  return out;
}

/** True when `bytes` starts with a ustar (POSIX or GNU) header: the magic "ustar" at offset 257. */
export function looksLikeTar(bytes: Uint8Array): boolean {
  if (bytes.length < BLOCK) return false;
  const magic = [0x75, 0x73, 0x74, 0x61, 0x72]; // "ustar"
  return magic.every((b, i) => bytes[257 + i] === b);
}

/**
 * Parse an uncompressed tar archive. `name` (the archive's file name) is used in error messages.
 * Returns the regular files in archive order; directories and other entry types are skipped.
 * Throws DataFormatError for an empty or non-tar input, a bad checksum, a malformed size field,
 * a truncated header or truncated file data.
 */
export function parseTar(bytes: Uint8Array, name: string): TarEntry[] {
  if (bytes.length === 0) throw new DataFormatError(name, 'empty file: not a tar archive');
  const entries: TarEntry[] = [];
  let off = 0;
  let longName: string | null = null;
  let pax: Map<string, string> | null = null;
  let headers = 0;
  for (;;) {
    if (off >= bytes.length) break; // end of data without end-of-archive blocks: accepted
    const rest = bytes.length - off;
    if (rest < BLOCK) {
      const tail = bytes.subarray(off);
      if (headers > 0 && isZeroBlock(tail)) break; // cut inside the end-of-archive padding
      throw new DataFormatError(
        name,
        headers === 0
          ? `not a tar archive: ${bytes.length} bytes is shorter than one 512-byte header`
          : `truncated: header at offset ${off} has only ${rest} of 512 bytes`,
      );
    }
    const h = bytes.subarray(off, off + BLOCK);
    if (isZeroBlock(h)) {
      if (headers === 0) throw new DataFormatError(name, 'not a tar archive: starts with a zero block (empty archive)');
      break; // end of archive (normally two zero blocks; GNU tar also stops at one)
    }
    const stored = octal(h, 148, 8);
    const [u, s] = checksums(h);
    if (stored === null || (stored !== u && stored !== s)) {
      const what = stored === null ? 'unreadable header checksum field' : `bad header checksum (stored ${stored}, computed ${u})`;
      throw new DataFormatError(
        name,
        headers === 0 ? `not a tar archive: ${what} at offset 0` : `${what} at offset ${off}: the archive is corrupt`,
      );
    }
    headers++;
    const size = sizeField(h);
    if (size === null) {
      throw new DataFormatError(name, `header at offset ${off} has a malformed size field (not an octal number)`);
    }
    const dataStart = off + BLOCK;
    const type = String.fromCharCode(h[156]);
    const magic = field(h, 257, 6);
    let path = field(h, 0, 100);
    // POSIX ustar ("ustar\0" + "00") keeps a path prefix at 345; GNU's "ustar  " uses that area for other fields.
    if (magic === 'ustar' && h[262] === 0) {
      const prefix = field(h, 345, 155);
      if (prefix) path = `${prefix}/${path}`;
    }
    if (pax?.has('path')) path = pax.get('path')!;
    if (longName !== null) path = longName;
    let dataSize = size;
    if (pax?.has('size') && type !== 'x' && type !== 'g') {
      const ps = pax.get('size')!;
      if (!/^\d+$/.test(ps) || !Number.isSafeInteger(Number(ps))) {
        throw new DataFormatError(name, `pax header before offset ${off} has a malformed size "${ps}"`);
      }
      dataSize = Number(ps);
    }
    if (dataSize > bytes.length - dataStart) {
      throw new DataFormatError(
        name,
        `truncated: entry "${path}" at offset ${off} needs ${dataSize} bytes of data but only ${bytes.length - dataStart} remain`,
      );
    }
    const data = bytes.subarray(dataStart, dataStart + dataSize);
    const headerOff = off;
    off = dataStart + Math.ceil(dataSize / BLOCK) * BLOCK;
    if (type === 'L') {
      longName = field(data, 0, data.length);
      continue;
    }
    if (type === 'x') {
      pax = parsePax(data, name, headerOff);
      continue;
    }
    if (type === 'K' || type === 'g') continue; // long link name, pax global header: not needed
    longName = null;
    pax = null;
    if (type === '0' || type === '\0' || type === '7') entries.push({ path, data });
    // '5' directories, links, devices, FIFOs, GNU volume/sparse headers: skipped.
  }
  if (longName !== null || pax !== null) {
    throw new DataFormatError(name, 'truncated: the archive ends after a long-name or pax header with no entry after it');
  }
  return entries;
}

// ---------------------------------------------------------------------------------------------
// Writer (tests and fixtures)

export interface TarInput {
  path: string;
  /** File contents; ignored for directories. */
  data?: Uint8Array;
  /** 'file' (default) or 'dir'. */
  type?: 'file' | 'dir';
}

const utf8e = new TextEncoder();

function putString(h: Uint8Array, off: number, len: number, s: string | Uint8Array): void {
  const b = typeof s === 'string' ? utf8e.encode(s) : s;
  if (b.length > len) throw new RangeError(`encodeTar: field of ${len} bytes cannot hold ${b.length}`);
  h.set(b, off);
}

function putOctal(h: Uint8Array, off: number, len: number, v: number): void {
  const s = v.toString(8).padStart(len - 1, '0');
  if (s.length > len - 1) throw new RangeError(`encodeTar: ${v} does not fit an octal field of ${len} bytes`);
  putString(h, off, len, s); // the last byte stays NUL
}

function header(path: Uint8Array, prefix: Uint8Array, size: number, type: string): Uint8Array {
  const h = new Uint8Array(BLOCK);
  putString(h, 0, 100, path);
  putOctal(h, 100, 8, type === '5' ? 0o755 : 0o644);
  putOctal(h, 108, 8, 0);
  putOctal(h, 116, 8, 0);
  putOctal(h, 124, 12, size);
  putOctal(h, 136, 12, 0);
  h[156] = type.charCodeAt(0);
  putString(h, 257, 6, 'ustar'); // "ustar\0"
  putString(h, 263, 2, '00');
  putString(h, 345, 155, prefix);
  const [sum] = checksums(h);
  putString(h, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return h;
}

/**
 * Write a POSIX ustar archive (the inverse of parseTar): paths up to 100 bytes go in the name field,
 * longer ones are split into the 155-byte prefix field at a '/', and those that cannot be split get a
 * GNU long-name ('L') entry. Ends with two zero blocks. Directory paths get a trailing '/'.
 */
export function encodeTar(entries: readonly TarInput[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const e of entries) {
    const isDir = e.type === 'dir';
    const data = isDir ? new Uint8Array(0) : (e.data ?? new Uint8Array(0));
    const type = isDir ? '5' : '0';
    const full = isDir && !e.path.endsWith('/') ? e.path + '/' : e.path;
    const pb = utf8e.encode(full);
    let nameB = pb;
    let prefixB = new Uint8Array(0);
    if (pb.length > 100) {
      // Split at the last '/' that leaves a name of <= 100 bytes and a prefix of <= 155 bytes.
      let split = -1;
      for (let i = pb.length - 1; i > 0; i--) {
        if (pb[i] === 0x2f && pb.length - i - 1 <= 100 && pb.length - i - 1 > 0 && i <= 155) {
          split = i;
          break;
        }
      }
      if (split > 0) {
        prefixB = pb.subarray(0, split);
        nameB = pb.subarray(split + 1);
      } else {
        const ln = new Uint8Array(pb.length + 1); // NUL-terminated, as GNU tar writes it
        ln.set(pb);
        blocks.push(header(utf8e.encode('././@LongLink'), new Uint8Array(0), ln.length, 'L'), pad(ln));
        nameB = pb.subarray(0, 100);
      }
    }
    blocks.push(header(nameB, prefixB, data.length, type), pad(data));
  }
  blocks.push(new Uint8Array(2 * BLOCK));
  return concatBytes(blocks);
}

function pad(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / BLOCK) * BLOCK);
  out.set(data);
  return out;
}
