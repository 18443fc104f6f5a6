// Float64 vector helpers of the finite-difference checks (hvp.test.ts, mlpTanh.test.ts): a parameter set as
// one Float64Array per tensor.
import { createRng } from '../../src/data/batching';

export type Vec = Float64Array[];

export function uniform(n: number, rand: () => number, scale = 1): Float64Array {
  return Float64Array.from({ length: n }, () => scale * (2 * rand() - 1));
}

/** Float32-representable values (what the tensors hold), as float64. */
export function f32(vs: Vec): Vec {
  return vs.map((v) => Float64Array.from(Float32Array.from(v)));
}

export function dot(a: Vec, b: Vec): number {
  let s = 0;
  a.forEach((x, i) => x.forEach((xi, j) => (s += xi * b[i][j])));
  return s;
}

export function norm(a: Vec): number {
  return Math.sqrt(dot(a, a));
}

/** a·u + b·w + θ */
export function comb(theta: Vec, a: number, u: Vec, b: number, w: Vec): Vec {
  return theta.map((t, i) => t.map((ti, j) => ti + a * u[i][j] + b * w[i][j]));
}

/** Random direction of unit norm on the tensors `on` selects (zero elsewhere), float32-representable. */
export function direction(sizes: readonly number[], seed: number, on: (i: number) => boolean = () => true): Vec {
  const r = createRng(seed);
  const d = sizes.map((s, i) => (on(i) ? uniform(s, r) : new Float64Array(s)));
  const k = 1 / norm(d);
  return f32(d.map((t) => t.map((x) => x * k)));
}

/** max |a − b| / max |b| */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0, m = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return d / m;
}
