// Axis ranges rounded to "nice" steps, so the y axis (and with it the whole recharts frame) changes only
// when the data crosses a step, not on every refresh.

/** The smallest of 1, 2, 2.5, 5 × 10^k that is ≥ x (x > 0). */
export function niceStep(x: number): number {
  const k = Math.floor(Math.log10(x));
  const base = 10 ** k;
  for (const m of [1, 2, 2.5, 5, 10]) if (m * base >= x * (1 - 1e-12)) return m * base;
  return 10 * base;
}

/**
 * [lo, hi] covering [min, max] on a grid of about `ticks` nice steps; `fromZero` pins lo (or hi, for
 * all-negative data) to 0. Non-finite input gives null (nothing to draw yet).
 */
export function niceDomain(min: number, max: number, fromZero: boolean, ticks = 4): [number, number] | null {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return null;
  if (fromZero) {
    min = Math.min(min, 0);
    max = Math.max(max, 0);
  }
  if (max === min) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.01;
    min -= pad;
    max += pad;
  }
  const step = niceStep((max - min) / ticks);
  // The 1e-9 slack keeps a bound that sits on the grid (up to float error) on it.
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.ceil(max / step - 1e-9) * step;
  // Round away float noise (0.30000000000000004) so equal domains compare equal.
  const clean = (v: number) => Number(v.toPrecision(12));
  return [clean(lo), clean(hi)];
}
