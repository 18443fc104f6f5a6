// The lines and evaluation markers of one chart, drawn as plain SVG paths inside the recharts chart with
// recharts' own axis scales (useXAxisScale / useYAxisScale). Only this layer re-renders when new metrics
// arrive; the recharts frame (axes, grid) re-renders only when its domain changes. Why: redrawing recharts'
// own <Line>s cost 30-40 ms of main-thread CPU per refresh, stretched past 50 ms tasks while six workers
// share two cores; a path string per series costs well under a millisecond.
import { useEffect, useId } from 'react';
import { usePlotArea, useXAxisScale, useYAxisScale } from 'recharts';
import { seriesPoints, type ChartMetric, type Point } from './chartSeries';
import type { LineStyle } from './colors';
import { useSeriesRefresh } from './useSeriesRefresh';

export interface LayerRun {
  runId: string;
  style: LineStyle;
}

export interface LayerSpec {
  /** The per-iteration (or per-evaluation) series drawn as the main line. */
  line: ChartMetric;
  /** A second, thicker line (validation loss on the loss chart). */
  second: ChartMetric | null;
  /** Evaluation markers. */
  markers: ChartMetric | null;
  lineWidth: number;
}

/** Above this many evaluations per run the markers are dropped (each is an SVG element); lines stay. */
const MAX_MARKERS = 60;

interface Props {
  spec: LayerSpec;
  runs: readonly LayerRun[];
  /** Points per series (about the plot's pixel width). */
  budget: number;
  phaseMs: number;
  label: string;
  /** Receives the number of drawn points after each redraw (the figure's data-points attribute). */
  onDrawn: (points: number) => void;
}

/** An SVG path through the points; non-finite values (null) break the line, as a diverged run should. */
export function pathOf(points: readonly Point[], px: (x: number) => number, py: (y: number) => number): string {
  const parts: string[] = [];
  let pen = false;
  for (const p of points) {
    if (p.y === null) {
      pen = false;
      continue;
    }
    parts.push(`${pen ? 'L' : 'M'}${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`);
    pen = true;
  }
  return parts.join('');
}

/** A linear scale as px = a + b·v, from two points of recharts' scale (one call per point would do too). */
function linear(scale: ((v: number) => number | undefined) | undefined, v0: number, v1: number): ((v: number) => number) | null {
  const p0 = scale?.(v0), p1 = scale?.(v1);
  if (p0 === undefined || p1 === undefined || v1 === v0) return null;
  const b = (p1 - p0) / (v1 - v0);
  return (v) => p0 + b * (v - v0);
}

export function SeriesLayer({ spec, runs, budget, phaseMs, label, onDrawn }: Props) {
  const { tick, committed } = useSeriesRefresh(250, phaseMs, label);
  const area = usePlotArea();
  const xScale = useXAxisScale();
  const yScale = useYAxisScale();
  const clipId = useId();
  const px = linear(xScale, 0, 1);
  const py = linear(yScale, 0, 1);

  let drawn = 0;
  const lines: { key: string; d: string; style: LineStyle; width: number }[] = [];
  const markers: { key: string; x: number; y: number; color: string }[] = [];
  if (px && py && budget > 0) {
    for (const r of runs) {
      const main = seriesPoints(r.runId, spec.line, budget);
      drawn += main.length;
      lines.push({ key: r.runId, d: pathOf(main, px, py), style: r.style, width: spec.lineWidth });
      if (spec.second) {
        const second = seriesPoints(r.runId, spec.second, budget);
        drawn += second.length;
        lines.push({ key: `${r.runId}-2`, d: pathOf(second, px, py), style: r.style, width: 2.5 });
      }
      if (spec.markers) {
        const ms = seriesPoints(r.runId, spec.markers, budget);
        if (ms.length <= MAX_MARKERS) {
          ms.forEach((m, i) => m.y !== null && markers.push({ key: `${r.runId}-m${i}`, x: px(m.x), y: py(m.y), color: r.style.color }));
        }
      }
    }
  }

  useEffect(() => {
    onDrawn(drawn);
    committed();
  }, [tick, drawn, onDrawn, committed]);

  if (!area) return null;
  return (
    <g className="series-layer">
      <defs>
        <clipPath id={clipId}>
          {/* A little slack so markers on the edges stay whole. */}
          <rect x={area.x - 5} y={area.y - 5} width={area.width + 10} height={area.height + 10} />
        </clipPath>
      </defs>
      <g clipPath={`url(#${clipId})`}>
        {lines.map((l) => (
          <path key={l.key} d={l.d} fill="none" stroke={l.style.color} strokeDasharray={l.style.dash} strokeWidth={l.width} className="series-line" />
        ))}
        {markers.map((m) => (
          <circle key={m.key} cx={m.x} cy={m.y} r={3.5} fill="#fff" stroke={m.color} strokeWidth={2} />
        ))}
      </g>
    </g>
  );
}
