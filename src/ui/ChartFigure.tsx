// One chart (recharts) in a <figure>: one line per run, redrawn from the series buffers at most
// ~4 times per second, every series downsampled to about the chart's pixel width.
import { memo, useCallback, useEffect, useMemo, useRef } from 'react';
import { CartesianGrid, ComposedChart, Line, ReferenceLine, Scatter, XAxis, YAxis } from 'recharts';
import { formatForPeople } from '../store/validate';
import { seriesPoints, type ChartMetric, type Point } from './chartSeries';
import type { LineStyle } from './colors';
import { useElementWidth } from './useElementWidth';
import { useSeriesRefresh } from './useSeriesRefresh';

export interface ChartRun {
  runId: string;
  label: string;
  style: LineStyle;
}

export type ChartKind = 'loss' | 'accuracy' | 'lr';

interface Props {
  kind: ChartKind;
  title: string;
  caption: string;
  runs: readonly ChartRun[];
  /** Right end of the x axis (largest budget among the runs). */
  xMax: number;
  /** Offset of this chart's refreshes, so charts render in separate tasks. */
  phaseMs: number;
}

const HEIGHT = 260;
/** Redraws slower than this lower the point budget; faster than FAST raise it again. */
const SLOW_REDRAW_MS = 60;
const FAST_REDRAW_MS = 35;
const MIN_RESOLUTION = 0.4;
const MARGIN = { top: 8, right: 16, bottom: 22, left: 4 };
const Y_AXIS_WIDTH = 58;

interface Drawn {
  runId: string;
  label: string;
  style: LineStyle;
  line: Point[];
  /** Evaluation points drawn as markers (validation loss / accuracy). */
  markers: Point[];
  /** Validation loss as a line of its own on the loss chart, so it stays visible past MAX_MARKERS evaluations. */
  evalLine: Point[];
}

/** Above this many evaluations per run the markers are dropped (each is an SVG element); the line stays. */
const MAX_MARKERS = 60;

function markersOf(points: Point[]): Point[] {
  return points.length <= MAX_MARKERS ? points : [];
}

function tick(v: number): string {
  return formatForPeople(v);
}

function seriesFor(kind: ChartKind): { line: ChartMetric; markers: ChartMetric | null } {
  switch (kind) {
    case 'loss':
      return { line: 'loss', markers: 'valLoss' };
    case 'accuracy':
      // Evaluations are sparse (default: once per epoch): mark each one.
      return { line: 'valAccuracy', markers: 'valAccuracy' };
    case 'lr':
      return { line: 'lr', markers: null };
  }
}

function ChartFigureImpl({ kind, title, caption, runs, xMax, phaseMs }: Props) {
  // Points per pixel, adapted to what a redraw costs on this machine (1 = about one per pixel).
  const resolution = useRef(1);
  const onCost = useCallback((ms: number) => {
    const r = resolution.current;
    if (ms > SLOW_REDRAW_MS) resolution.current = Math.max(MIN_RESOLUTION, r * 0.7);
    else if (ms < FAST_REDRAW_MS) resolution.current = Math.min(1, r * 1.2);
  }, []);
  const { tick: refresh, committed } = useSeriesRefresh(250, phaseMs, title, onCost);
  const [boxRef, width] = useElementWidth<HTMLDivElement>();
  const plotWidth = Math.max(0, width - Y_AXIS_WIDTH - MARGIN.left - MARGIN.right);

  const drawn: Drawn[] = useMemo(() => {
    const which = seriesFor(kind);
    // Quantised so small adaptations do not invalidate every cached series.
    const budget = plotWidth > 0 ? Math.max(16, Math.round((plotWidth * resolution.current) / 16) * 16) : 0;
    return runs.map((r) => ({
      runId: r.runId,
      label: r.label,
      style: r.style,
      line: seriesPoints(r.runId, which.line, budget),
      markers: which.markers ? markersOf(seriesPoints(r.runId, which.markers, budget)) : [],
      evalLine: kind === 'loss' ? seriesPoints(r.runId, 'valLoss', budget) : [],
    }));
    // `refresh` is the signal that the buffers changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [kind, runs, plotWidth, refresh]);

  // Tell the throttle this redraw is on screen (it adapts the next interval to the cost).
  useEffect(() => {
    committed();
  }, [drawn, committed]);

  const total = drawn.reduce((n, d) => n + d.line.length + d.markers.length + d.evalLine.length, 0);
  const minY = useMemo(() => {
    if (kind !== 'lr') return 0;
    let m = Infinity;
    for (const d of drawn) for (const p of d.line) if (p.y !== null && p.y < m) m = p.y;
    return m;
  }, [kind, drawn]);

  const yDomain: [number | string, number | string] =
    kind === 'accuracy' ? [0, 1] : kind === 'loss' ? [0, 'auto'] : ['auto', 'auto'];

  return (
    <figure className="chart" role="figure" aria-label={title} data-points={total} data-kind={kind}>
      <figcaption>
        <span className="chart-title">{title}</span> <span className="chart-caption">{caption}</span>
      </figcaption>
      <div className="chart-box" ref={boxRef}>
        {width > 0 && (
          <ComposedChart width={width} height={HEIGHT} margin={MARGIN} accessibilityLayer={false}>
            <CartesianGrid stroke="#e6e8ec" strokeDasharray="3 3" />
            <XAxis
              type="number"
              dataKey="x"
              domain={[0, Math.max(1, xMax)]}
              allowDataOverflow
              tickFormatter={tick}
              label={{ value: 'iteration', position: 'insideBottom', offset: -12, fontSize: 12 }}
              tick={{ fontSize: 11 }}
            />
            <YAxis
              type="number"
              dataKey="y"
              width={Y_AXIS_WIDTH}
              domain={yDomain}
              scale="linear"
              tickFormatter={tick}
              tick={{ fontSize: 11 }}
            />
            {kind === 'lr' && minY < 0 && <ReferenceLine y={0} stroke="#888" />}
            {drawn.map((d) => (
              <Line
                key={d.runId}
                name={d.label}
                data={d.line}
                dataKey="y"
                type="linear"
                stroke={d.style.color}
                strokeDasharray={d.style.dash}
                strokeWidth={kind === 'accuracy' ? 2 : 1.5}
                dot={false}
                activeDot={false}
                isAnimationActive={false}
                connectNulls={false}
              />
            ))}
            {drawn.map((d) =>
              d.evalLine.length > 1 ? (
                <Line
                  key={`${d.runId}-val`}
                  name={`${d.label} validation`}
                  data={d.evalLine}
                  dataKey="y"
                  type="linear"
                  stroke={d.style.color}
                  strokeDasharray={d.style.dash}
                  strokeWidth={2.5}
                  dot={false}
                  activeDot={false}
                  isAnimationActive={false}
                  connectNulls={false}
                />
              ) : null,
            )}
            {drawn.map((d) =>
              d.markers.length > 0 ? (
                <Scatter
                  key={`${d.runId}-markers`}
                  name={`${d.label} evaluations`}
                  data={d.markers}
                  dataKey="y"
                  fill="#fff"
                  stroke={d.style.color}
                  strokeWidth={2}
                  shape="circle"
                  isAnimationActive={false}
                />
              ) : null,
            )}
          </ComposedChart>
        )}
      </div>
    </figure>
  );
}

export const ChartFigure = memo(ChartFigureImpl);
