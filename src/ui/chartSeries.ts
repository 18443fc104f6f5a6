// Chart-ready points from the series buffers: downsampled (LTTB) to about the chart's pixel width
// and memoised per run, metric and width, so a finished run costs nothing on later refreshes.
import { downsampleForWidth, lttb } from '../series/downsample';
import { seriesBuffers } from '../series/buffers';

export interface Point {
  x: number;
  /** null where the value is NaN/Infinity (drawn as a gap). */
  y: number | null;
}

export type ChartMetric = 'loss' | 'lr' | 'valLoss' | 'valAccuracy';

interface CacheEntry {
  version: number;
  threshold: number;
  points: Point[];
}

const cache = new Map<string, CacheEntry>();

function toPoints(x: ArrayLike<number>, y: ArrayLike<number>): Point[] {
  const n = Math.min(x.length, y.length);
  const out: Point[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const v = y[i];
    out[i] = { x: x[i], y: Number.isFinite(v) ? v : null };
  }
  return out;
}

/** Downsampled points of one run's metric for a chart `pixelWidth` wide. */
export function seriesPoints(runId: string, metric: ChartMetric, pixelWidth: number): Point[] {
  const view = seriesBuffers.view(runId);
  if (!view) return [];
  let xs: ArrayLike<number>;
  let ys: ArrayLike<number>;
  if (metric === 'loss' || metric === 'lr') {
    xs = view.iteration;
    ys = metric === 'loss' ? view.loss : view.lr;
  } else {
    const n = view.evals.length;
    const ex = new Float64Array(n);
    const ey = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const e = view.evals[i];
      ex[i] = e.iteration;
      ey[i] = metric === 'valLoss' ? e.valLoss : e.valAccuracy;
    }
    xs = ex;
    ys = ey;
  }
  // About two points per pixel (at most 1,500): LTTB keeps the shape, including spikes.
  const threshold = downsampleForWidth(xs.length, pixelWidth);
  const key = `${runId}\u0000${metric}`;
  const hit = cache.get(key);
  if (hit && hit.version === view.version && hit.threshold === threshold) return hit.points;
  const ds = xs.length > threshold ? lttb(xs, ys, threshold) : { x: xs, y: ys };
  const points = toPoints(ds.x, ds.y);
  cache.set(key, { version: view.version, threshold, points });
  return points;
}

/** Forget cached points of runs no longer drawn. */
export function pruneSeriesCache(keepRunIds: ReadonlySet<string>): void {
  for (const key of cache.keys()) {
    const runId = key.slice(0, key.indexOf('\u0000'));
    if (!keepRunIds.has(runId)) cache.delete(key);
  }
}
