// Crosshair and zoom arithmetic on ascending x columns (pure: no React, no DOM).
import { lowerBound } from './chartPipeline';

/**
 * Index of the point of an ascending xs nearest to x (ties: the left one); -1 for an empty xs or a
 * non-finite x. The tooltip reads every series' value at its own nearest point, so runs logged at
 * different x (evaluations, wall time) each answer with their own closest sample.
 */
export function nearestIndex(xs: ArrayLike<number>, x: number): number {
  const n = xs.length;
  if (n === 0 || !Number.isFinite(x)) return -1;
  const i = lowerBound(xs, x);
  if (i === 0) return 0;
  if (i === n) return n - 1;
  return x - xs[i - 1] <= xs[i] - x ? i - 1 : i;
}

/**
 * The x a keyboard step lands on: from the point nearest `current`, `steps` points along xs (negative =
 * left), clamped to the ends. With no current position the walk starts at the last point (stepping
 * left) or the first (stepping right).
 */
export function stepX(xs: ArrayLike<number>, current: number | null, steps: number): number | null {
  const n = xs.length;
  if (n === 0) return null;
  const start = current === null ? (steps < 0 ? n : -1) : nearestIndex(xs, current);
  return xs[Math.max(0, Math.min(n - 1, start + steps))];
}

/**
 * A zoom range from two x values in any order (a drag may go right to left), clamped to the full
 * domain; null when it is empty or narrower than `minWidth` of the domain (a click, not a drag), or
 * when an end is not a number.
 */
export function zoomRange(a: number, b: number, domain: readonly [number, number], minWidth = 1e-3): [number, number] | null {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return null;
  const lo = Math.max(domain[0], Math.min(a, b));
  const hi = Math.min(domain[1], Math.max(a, b));
  if (!(hi - lo > (domain[1] - domain[0]) * minWidth)) return null;
  return [lo, hi];
}
