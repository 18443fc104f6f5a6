// One chart in a <figure>: a recharts frame (axes, grid, zero line) whose props change only when the
// y range crosses a nice step, and a SeriesLayer inside it that redraws the runs' lines from the
// series buffers at most ~4 times per second (see SeriesLayer.tsx for why the split).
import { memo, useCallback, useEffect, useMemo, useRef } from 'react';
import { CartesianGrid, ComposedChart, ReferenceLine, XAxis, YAxis } from 'recharts';
import { formatForPeople } from '../store/validate';
import { seriesBuffers } from '../series/buffers';
import { seriesPoints } from './chartSeries';
import type { LineStyle } from './colors';
import { niceDomain } from './niceDomain';
import { SeriesLayer, type LayerSpec } from './SeriesLayer';
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
const MARGIN = { top: 8, right: 16, bottom: 22, left: 4 };
const Y_AXIS_WIDTH = 58;

const SPECS: Record<ChartKind, LayerSpec> = {
  loss: { line: 'loss', second: 'valLoss', markers: 'valLoss', lineWidth: 1.5 },
  // Evaluations are sparse (default: once per epoch): a line through them, each one marked.
  accuracy: { line: 'valAccuracy', second: null, markers: 'valAccuracy', lineWidth: 2 },
  lr: { line: 'lr', second: null, markers: null, lineWidth: 1.5 },
};

/** The y range of a chart's data, rounded to nice steps; loss and accuracy start at zero. */
function yDomainOf(kind: ChartKind, runs: readonly ChartRun[], budget: number): [number, number] {
  if (kind === 'accuracy') return [0, 1];
  const spec = SPECS[kind];
  let lo = Infinity, hi = -Infinity;
  for (const r of runs) {
    for (const metric of [spec.line, spec.second]) {
      if (!metric) continue;
      for (const p of seriesPoints(r.runId, metric, budget)) {
        if (p.y === null) continue;
        if (p.y < lo) lo = p.y;
        if (p.y > hi) hi = p.y;
      }
    }
  }
  return niceDomain(lo, hi, kind === 'loss') ?? (kind === 'loss' ? [0, 3] : [0, 1]);
}

/** The latest value of each run, as text for screen readers (the SVG lines say nothing to them). */
function summaryOf(kind: ChartKind, runs: readonly ChartRun[]): string {
  const parts: string[] = [];
  for (const r of runs) {
    const v = seriesBuffers.view(r.runId);
    if (!v) continue;
    if (kind === 'accuracy') {
      const e = v.evals[v.evals.length - 1];
      if (e) parts.push(`${r.label} ${(e.valAccuracy * 100).toFixed(1)} % at iteration ${e.iteration}`);
    } else {
      const n = v.iteration.length;
      if (n > 0) parts.push(`${r.label} ${formatForPeople(kind === 'loss' ? v.loss[n - 1] : v.lr[n - 1])} at iteration ${v.iteration[n - 1]}`);
    }
  }
  return parts.length > 0 ? `Latest: ${parts.join('; ')}.` : 'No data yet.';
}

function tick(v: number): string {
  return formatForPeople(v);
}

function ChartFigureImpl({ kind, title, caption, runs, xMax, phaseMs }: Props) {
  const [boxRef, width] = useElementWidth<HTMLDivElement>();
  const figureRef = useRef<HTMLElement>(null);
  const budget = Math.max(0, width - Y_AXIS_WIDTH - MARGIN.left - MARGIN.right);
  // The domain is re-derived twice a second; the frame below re-renders only when it changes.
  const { tick: domainTick, committed } = useSeriesRefresh(500, phaseMs + 40, `${title} axis`);
  const [lo, hi] = useMemo(() => yDomainOf(kind, runs, budget), [kind, runs, budget, domainTick]);
  // Written straight to the DOM (React never rewrites the constant initial value): a state would
  // re-render the figure on every redraw.
  const onDrawn = useCallback((n: number) => figureRef.current?.setAttribute('data-points', String(n)), []);
  useEffect(committed, [domainTick, committed]);
  const summary = useMemo(() => summaryOf(kind, runs), [kind, runs, domainTick]);
  const layerRuns = useMemo(() => runs.map((r) => ({ runId: r.runId, style: r.style })), [runs]);

  const frame = useMemo(
    () =>
      width > 0 && (
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
          <YAxis type="number" width={Y_AXIS_WIDTH} domain={[lo, hi]} allowDataOverflow scale="linear" tickFormatter={tick} tick={{ fontSize: 11 }} />
          {kind === 'lr' && lo < 0 && <ReferenceLine y={0} stroke="#888" />}
          <SeriesLayer spec={SPECS[kind]} runs={layerRuns} budget={budget} phaseMs={phaseMs} label={title} onDrawn={onDrawn} />
        </ComposedChart>
      ),
    [width, xMax, lo, hi, kind, layerRuns, budget, phaseMs, title, onDrawn],
  );

  return (
    <figure ref={figureRef} className="chart" role="figure" aria-label={title} data-kind={kind} data-points="0">
      <figcaption>
        <span className="chart-title">{title}</span> <span className="chart-caption">{caption}</span>
        <span className="visually-hidden"> {summary}</span>
      </figcaption>
      <div className="chart-box" ref={boxRef}>
        {frame}
      </div>
    </figure>
  );
}

export const ChartFigure = memo(ChartFigureImpl);
