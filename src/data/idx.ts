// IDX (LeCun's MNIST container) for the unsigned-byte dtype: the only one MNIST and Fashion-MNIST use.
//
// Layout: magic = 0x00 0x00 <dtype> <ndims>, then ndims big-endian int32 sizes, then the data,
// row-major, one byte per element. MNIST images are 0x00000803 (N x 28 x 28), labels 0x00000801 (N).
// The parser is pure and never copies the payload: `data` is a view into the input buffer.

import { DataFormatError } from './errors';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const DTYPE_UBYTE = 0x08;
const DTYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};

const hex32 = (v: number) => '0x' + (v >>> 0).toString(16).padStart(8, '0');

/** What an IDX shape means, for error messages: "60000 images of 28x28", "59999 labels". */
function describeShape(dims: number[]): string {
  if (dims.length === 1) return `${dims[0]} labels`;
  if (dims.length === 3) return `${dims[0]} images of ${dims[1]}x${dims[2]}`;
  if (dims.length === 4) return `${dims[0]} images of ${dims[1]}x${dims[2]}x${dims[3]}`;
  return `shape ${dims.join('x')}`;
}

/** Number of payload bytes for `dims`; Infinity when it cannot fit in memory anyway. */
function payloadSize(dims: number[]): number {
  if (dims.some((d) => d === 0)) return 0; // avoids Infinity * 0 = NaN
  return dims.reduce((a, d) => a * d, 1);
}

/**
 * Parse an unsigned-byte IDX file. `name` is used in error messages.
 * `expectedNdims` (optional) rejects e.g. a labels file passed where images are expected.
 * Throws DataFormatError on a bad magic number, another dtype, a truncated file or trailing bytes.
 */
export function parseIdx(bytes: Uint8Array, name: string, expectedNdims?: number): IdxArray {
  if (bytes.length < 4) {
    throw new DataFormatError(name, `truncated: ${bytes.length} bytes, an IDX header needs at least 4`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const dtype = bytes[2];
  const ndims = bytes[3];
  const expected = expectedNdims === undefined ? '' : `, expected ${hex32(0x0800 | expectedNdims)}`;
  const kind = expectedNdims === 1 ? ' (IDX ubyte labels)' : expectedNdims === 3 || expectedNdims === 4 ? ' (IDX ubyte images)' : '';
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataFormatError(name, `bad magic number ${hex32(magic)}${expected}${kind}: not an IDX file`);
  }
  if (dtype !== DTYPE_UBYTE) {
    const dn = DTYPE_NAMES[dtype] ?? 'unknown';
    throw new DataFormatError(
      name,
      `bad magic number ${hex32(magic)}${expected}${kind}: dtype 0x${dtype.toString(16).padStart(2, '0')} (${dn}) is not supported, only 0x08 (unsigned byte)`,
    );
  }
  if (ndims === 0 || (expectedNdims !== undefined && ndims !== expectedNdims)) {
    const why = ndims === 0 ? 'zero dimensions' : `${ndims} dimensions`;
    throw new DataFormatError(name, `bad magic number ${hex32(magic)}${expected}${kind}: ${why}`);
  }
  const headerSize = 4 + 4 * ndims;
  if (bytes.length < headerSize) {
    throw new DataFormatError(
      name,
      `truncated: header of ${ndims} dimensions needs ${headerSize} bytes but the file has ${bytes.length}`,
    );
  }
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) {
    const d = view.getInt32(4 + 4 * i, false);
    if (d < 0) throw new DataFormatError(name, `dimension ${i} is negative (${d})`);
    dims.push(d);
  }
  const need = payloadSize(dims);
  const have = bytes.length - headerSize;
  if (have < need) {
    throw new DataFormatError(
      name,
      `truncated: header says ${describeShape(dims)} (${need} bytes) but ${have} bytes follow`,
    );
  }
  if (have > need) {
    throw new DataFormatError(
      name,
      `${have - need} bytes of trailing garbage: header says ${describeShape(dims)} (${need} bytes) but ${have} bytes follow`,
    );
  }
  return { dims, data: bytes.subarray(headerSize, headerSize + need) };
}

/** Serialise an unsigned-byte IDX file (the inverse of parseIdx). */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  if (dims.length < 1 || dims.length > 255) throw new RangeError(`encodeIdx: ${dims.length} dimensions`);
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0 || d > 0x7fffffff) throw new RangeError(`encodeIdx: bad dimension ${d}`);
  }
  const need = payloadSize([...dims]);
  if (data.length !== need) {
    throw new RangeError(`encodeIdx: shape ${dims.join('x')} needs ${need} bytes, got ${data.length}`);
  }
  const headerSize = 4 + 4 * dims.length;
  const out = new Uint8Array(headerSize + need);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x0800 | dims.length, false);
  dims.forEach((d, i) => view.setInt32(4 + 4 * i, d, false));
  out.set(data, headerSize);
  return out;
}

/** True when `bytes` starts with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Check that a parsed images file (N x H x W, or N x H x W x C channels last) and labels file (N)
 * belong together: same N, the expected image shape if given ([H, W] means one channel), and every
 * label < numClasses. `name` names the pair in messages (e.g. "train"). Returns N and H*W*C.
 */
export function checkImagesLabels(
  images: IdxArray,
  labels: IdxArray,
  name: string,
  opts: { numClasses?: number; imageShape?: readonly [number, number] | readonly [number, number, number] } = {},
): { n: number; imageSize: number } {
  const numClasses = opts.numClasses ?? 10;
  if (images.dims.length !== 3 && images.dims.length !== 4) {
    throw new DataFormatError(name, `images must be N x H x W (or N x H x W x C), got ${describeShape(images.dims)}`);
  }
  if (labels.dims.length !== 1) {
    throw new DataFormatError(name, `labels must be a vector of N, got ${describeShape(labels.dims)}`);
  }
  const [n, h, w] = images.dims;
  const c = images.dims[3] ?? 1;
  if (opts.imageShape) {
    const [eh, ew] = opts.imageShape;
    const ec = opts.imageShape[2] ?? 1;
    if (h !== eh || w !== ew || c !== ec) {
      const show = (a: number, b: number, k: number) => (c === 1 && ec === 1 ? `${a}x${b}` : `${a}x${b}x${k}`);
      throw new DataFormatError(name, `images are ${show(h, w, c)}, expected ${show(eh, ew, ec)}`);
    }
  }
  if (labels.dims[0] !== n) {
    throw new DataFormatError(name, `image and label counts disagree: ${n} images, ${labels.dims[0]} labels`);
  }
  const lab = labels.data;
  for (let i = 0; i < lab.length; i++) {
    if (lab[i] >= numClasses) {
      throw new DataFormatError(name, `label ${lab[i]} at index ${i} is out of range (${numClasses} classes)`);
    }
  }
  return { n, imageSize: h * w * c };
}
