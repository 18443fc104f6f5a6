// Helpers and float64 oracles shared by the own wasm kernels' tests: test/unit/ownKernels.test.ts (in process)
// and test/kernelTiersCheck.ts (child processes in each V8 tier).
import { setOwnKernels } from '../src/kernels/ownKernels';

/** n standard normal float32 values from `rand` (Box-Muller). */
export function normal(n: number, rand: () => number): Float32Array {
  return Float32Array.from({ length: n }, () => {
    const u = Math.max(rand(), 1e-12), v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  });
}

/** Runs f with the own kernels off, then turns them back on (also when f throws). */
export function kernelsOff<T>(f: () => T): T {
  setOwnKernels(false);
  try {
    return f();
  } finally {
    setOwnKernels(true);
  }
}

export type Pad = number | 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

export interface ConvCase {
  n: number; h: number; w: number; ci: number; co: number;
  kh: number; kw: number; strides: number | [number, number]; pad: Pad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * dW[a, b, i, o] = Σ_{n, ho, wo} x[n, ho·sh + a − top, wo·sw + b − left, i] · dy[n, ho, wo, o] in float64 (terms
 * outside x are zero), and Σ|terms| of each element, and the number of terms summed.
 */
export function filterGradOracle(c: ConvCase, x: Float32Array, dy: Float32Array, ho: number, wo: number, top: number, left: number) {
  const [sh, sw] = typeof c.strides === 'number' ? [c.strides, c.strides] : c.strides;
  const size = c.kh * c.kw * c.ci * c.co;
  const sum = new Float64Array(size), mag = new Float64Array(size);
  for (let b = 0; b < c.n; b++) {
    for (let i = 0; i < ho; i++) {
      for (let j = 0; j < wo; j++) {
        const dyRow = ((b * ho + i) * wo + j) * c.co;
        for (let a = 0; a < c.kh; a++) {
          const hh = i * sh + a - top;
          if (hh < 0 || hh >= c.h) continue;
          for (let q = 0; q < c.kw; q++) {
            const ww = j * sw + q - left;
            if (ww < 0 || ww >= c.w) continue;
            const xRow = ((b * c.h + hh) * c.w + ww) * c.ci;
            for (let k = 0; k < c.ci; k++) {
              const xv = x[xRow + k], out = ((a * c.kw + q) * c.ci + k) * c.co;
              for (let o = 0; o < c.co; o++) {
                const term = xv * dy[dyRow + o];
                sum[out + o] += term;
                mag[out + o] += Math.abs(term);
              }
            }
          }
        }
      }
    }
  }
  return { sum, mag, terms: c.n * ho * wo };
}
