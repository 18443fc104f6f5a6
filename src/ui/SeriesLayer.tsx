// The lines, bands and evaluation markers of one chart, drawn as plain SVG paths inside the recharts chart
// with recharts' own axis scales (useXAxisScale / useYAxisScale). Only this layer re-renders when new
// metrics arrive; the recharts frame (axes, grid) re-renders only when its domain changes. Why: redrawing
// recharts' own <Line>s cost 30-40 ms of main-thread CPU per refresh, stretched past 50 ms tasks while six
// workers share two cores; a path string per series costs well under a millisecond.
import { useEffect, useId } from 'react';
import { usePlotArea, useXAxisScale, useYAxisScale } from 'recharts';
import type { Envelope, XY } from '../series/chartPipeline';
import { seriesForChart, type ChartKind, type Entity, type SeriesOptions } from './chartSeries';
import { useSeriesRefresh } from './useSeriesRefresh';

/** Above this many evaluations per run the markers are dropped (each is an SVG element); lines stay. */
const MAX_MARKERS = 60;

interface Props {
  kind: ChartKind;
  entities: readonly Entity[];
  options: SeriesOptions;
  /** Value → y-axis units (log10, symlog or identity: the axis itself is linear). */
  transform: (v: number) => number;
  phaseMs: number;
  label: string;
  /** Receives the number of drawn points after each redraw (the figure's data-points attribute). */
  onDrawn: (points: number) => void;
}

type Px = (v: number) => number;

/** An SVG path through the points; a non-finite value (NaN, a log of ≤ 0) breaks the line, as a diverged run should. */
export function pathOf(line: XY, px: Px, py: Px): string {
  const parts: string[] = [];
  let pen = false;
  for (let i = 0; i < line.x.length; i++) {
    const y = py(line.y[i]);
    if (!Number.isFinite(y)) {
      pen = false;
      continue;
    }
    parts.push(`${pen ? 'L' : 'M'}${px(line.x[i]).toFixed(1)},${y.toFixed(1)}`);
    pen = true;
  }
  return parts.join('');
}

/** A closed area between a band's edges: hi left to right, then lo back; a gap starts a new piece. */
export function bandPathOf(band: Envelope, px: Px, py: Px): string {
  const parts: string[] = [];
  let piece: number[] = [];
  const flush = () => {
    if (piece.length > 0) {
      const top = piece.map((i, k) => `${k === 0 ? 'M' : 'L'}${px(band.x[i]).toFixed(1)},${py(band.hi[i]).toFixed(1)}`);
      const bottom = [...piece].reverse().map((i) => `L${px(band.x[i]).toFixed(1)},${py(band.lo[i]).toFixed(1)}`);
      parts.push(`${top.join('')}${bottom.join('')}Z`);
    }
    piece = [];
  };
  for (let i = 0; i < band.x.length; i++) {
    if (Number.isFinite(py(band.lo[i])) && Number.isFinite(py(band.hi[i]))) piece.push(i);
    else flush();
  }
  flush();
  return parts.join('');
}

/** A linear scale as px = a + b·v, from two points of recharts' scale (one call per point would do too). */
export function linear(scale: ((v: number) => number | undefined) | undefined, v0: number, v1: number): ((v: number) => number) | null {
  const p0 = scale?.(v0), p1 = scale?.(v1);
  if (p0 === undefined || p1 === undefined || v1 === v0) return null;
  const b = (p1 - p0) / (v1 - v0);
  return (v) => p0 + b * (v - v0);
}

export function SeriesLayer({ kind, entities, options, transform, phaseMs, label, onDrawn }: Props) {
  const { tick, committed } = useSeriesRefresh(250, phaseMs, label);
  const area = usePlotArea();
  const xScale = useXAxisScale();
  const yScale = useYAxisScale();
  const clipId = useId();
  const px = linear(xScale, 0, 1);
  const pyLinear = linear(yScale, 0, 1);

  let drawn = 0;
  const bands: { key: string; d: string; color: string }[] = [];
  const raws: { key: string; d: string; color: string }[] = [];
  const lines: { key: string; d: string; color: string; dash?: string; width: number }[] = [];
  const markers: { key: string; x: number; y: number; color: string }[] = [];
  if (px && pyLinear && options.threshold > 0) {
    const py = (v: number) => pyLinear(transform(v));
    for (const s of seriesForChart(kind, entities, options)) {
      const { color, dash } = s.entity.style;
      drawn += s.line.x.length;
      if (s.band) bands.push({ key: `${s.key}-band`, d: bandPathOf(s.band, px, py), color });
      if (s.raw) raws.push({ key: `${s.key}-raw`, d: pathOf(s.raw, px, py), color });
      lines.push({ key: s.key, d: pathOf(s.line, px, py), color, dash, width: s.width });
      if (s.markers && s.line.x.length <= MAX_MARKERS) {
        for (let i = 0; i < s.line.x.length; i++) {
          const y = py(s.line.y[i]);
          if (Number.isFinite(y)) markers.push({ key: `${s.key}-m${i}`, x: px(s.line.x[i]), y, color });
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
        {bands.map((b) => (
          <path key={b.key} d={b.d} fill={b.color} stroke="none" className="series-band" />
        ))}
        {/* Raw values faint behind the smoothed line: smoothing may hide, never invent. */}
        {raws.map((l) => (
          <path key={l.key} d={l.d} fill="none" stroke={l.color} strokeWidth={1} className="series-raw" />
        ))}
        {lines.map((l) => (
          <path key={l.key} d={l.d} fill="none" stroke={l.color} strokeDasharray={l.dash} strokeWidth={l.width} className="series-line" />
        ))}
        {markers.map((m) => (
          <circle key={m.key} cx={m.x} cy={m.y} r={3.5} stroke={m.color} strokeWidth={2} className="series-marker" />
        ))}
      </g>
    </g>
  );
}
