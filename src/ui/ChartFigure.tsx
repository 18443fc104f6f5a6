// One chart in a <figure>: a recharts frame (axes, grid, zero line) whose props change only when the
// y range crosses a nice step (or a view setting changes), a SeriesLayer inside it that redraws the
// series from the buffers at most ~4 times per second (see SeriesLayer.tsx for why the split), the shared
// crosshair and its tooltip, and SVG/PNG download buttons. The plot box is focusable: arrow keys move the
// crosshair (Shift: 10 points), Home/End jump to the ends, Escape hides it.
import { memo, useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { CartesianGrid, ComposedChart, ReferenceLine, XAxis, YAxis } from 'recharts';
import { useShallow } from 'zustand/react/shallow';
import { X_AXIS_LABELS, symlogThreshold } from '../series/axes';
import { seriesBuffers } from '../series/buffers';
import { stepX } from '../series/crosshair';
import { downsampleForWidth } from '../series/downsample';
import { formatForPeople } from '../config/validate';
import { useViewStore, type HpChoice } from '../store/viewStore';
import { seriesForChart, yExtent, type ChartKind, type ChartRun, type Entity, type SeriesOptions } from './chartSeries';
import { ChartImageButtons } from './chart/ChartImageButtons';
import { ChartTooltip, CrosshairLayer } from './chart/Crosshair';
import { useCrosshairStore } from './chart/crosshairStore';
import { forward, inverse, planYAxis, type YAxisPlan, type YScaleKind } from './chart/yScale';
import { EditMarkers } from './chart/EditMarkers';
import { SeriesLayer } from './SeriesLayer';
import { useElementWidth } from './useElementWidth';
import { useSeriesRefresh } from './useSeriesRefresh';

export type { ChartKind, ChartRun };

interface Props {
  kind: ChartKind;
  title: string;
  caption: string;
  /** What this chart draws (the loss chart's are variant − baseline entities in that view). */
  entities: readonly Entity[];
  /** The runs behind the entities, for the screen-reader summary. */
  runs: readonly ChartRun[];
  /** The whole x range (largest budget, or the latest time), in the x axis' units. */
  xFull: [number, number];
  /** The loss chart shows differences (a linear axis around 0, whatever log y says). */
  diff: boolean;
  /** Offset of this chart's refreshes, so charts render in separate tasks. */
  phaseMs: number;
}

const HEIGHT = 260;
const MARGIN = { top: 8, right: 16, bottom: 22, left: 4 };
const Y_AXIS_WIDTH = 58;

/** The latest value of each run, as text for screen readers (the SVG lines say nothing to them). */
function summaryOf(kind: ChartKind, runs: readonly ChartRun[], hp: HpChoice = 'alpha'): string {
  const parts: string[] = [];
  for (const r of runs) {
    const v = seriesBuffers.view(r.runId);
    if (!v) continue;
    if (kind === 'accuracy') {
      const e = v.evals[v.evals.length - 1];
      if (e) parts.push(`${r.label} ${(e.valAccuracy * 100).toFixed(1)} % at iteration ${e.iteration}`);
    } else {
      const n = v.iteration.length;
      // The learning-rate chart showing a tuned hyperparameter: only the runs that have it.
      const col = kind === 'loss' ? v.loss : kind === 'lr' && hp !== 'alpha' ? v.hp?.[hp] : v.lr;
      if (n > 0 && col) parts.push(`${r.label} ${formatForPeople(col[n - 1])} at iteration ${v.iteration[n - 1]}`);
    }
  }
  return parts.length > 0 ? `Latest: ${parts.join('; ')}.` : 'No data yet.';
}

function scaleKindOf(kind: ChartKind, logY: boolean, lrScale: 'symlog' | 'linear', diff: boolean): YScaleKind {
  if (kind === 'loss') return logY && !diff ? 'log' : 'linear';
  if (kind === 'lr') return lrScale;
  return 'linear';
}

/** The y axis for what is drawn now (accuracy: [0, 1] from zero, else fitted and kept inside [0, 1]). */
function planOf(kind: ChartKind, scale: YScaleKind, entities: readonly Entity[], o: SeriesOptions, fromZero: boolean): YAxisPlan {
  const series = seriesForChart(kind, entities, o);
  const ext = yExtent(series, o.zoom);
  if (kind === 'accuracy') {
    if (fromZero) return { kind: 'linear', c: 1, domain: [0, 1] };
    const p = planYAxis('linear', ext, { fromZero: false, c: 1 });
    return p ? { ...p, domain: [Math.max(0, p.domain[0]), Math.min(1, p.domain[1])] } : { kind: 'linear', c: 1, domain: [0, 1] };
  }
  let c = 1;
  if (scale === 'symlog') {
    const all: number[] = [];
    for (const s of series) for (const v of s.line.y) all.push(v);
    c = symlogThreshold(all);
  }
  return planYAxis(scale, ext, { fromZero, c }) ?? { kind: scale, c, domain: scale === 'log' ? [-1, 1] : [0, 1] };
}

function ChartFigureImpl({ kind, title, caption, entities, runs, xFull, diff, phaseMs }: Props) {
  const [boxRef, width] = useElementWidth<HTMLDivElement>();
  const figureRef = useRef<HTMLElement>(null);
  const tooltipId = useId();
  const [focused, setFocused] = useState(false);
  const view = useViewStore(
    useShallow((s) => ({ smoothing: s.smoothing, xAxis: s.xAxis, zoom: s.zoom, logY: s.logY, lrScale: s.lrScale, fromZero: s.fromZero, hp: s.hp })),
  );
  const plotWidth = Math.max(0, width - Y_AXIS_WIDTH - MARGIN.left - MARGIN.right);
  const options: SeriesOptions = useMemo(
    () => ({
      smoothing: view.smoothing,
      xAxis: view.xAxis,
      zoom: view.zoom,
      threshold: plotWidth > 0 ? downsampleForWidth(Infinity, plotWidth) : 0,
      // Only the learning-rate chart reads it: the other charts' options stay the same object when it changes.
      ...(kind === 'lr' ? { hp: view.hp } : {}),
    }),
    [view.smoothing, view.xAxis, view.zoom, plotWidth, kind, kind === 'lr' ? view.hp : null], // eslint-disable-line react-hooks/exhaustive-deps
  );
  const scale = scaleKindOf(kind, view.logY, view.lrScale, diff);
  const xDomain: [number, number] = view.zoom ?? xFull;

  // The domain is re-derived twice a second; the frame below re-renders only when it changes.
  const { tick: domainTick, committed } = useSeriesRefresh(500, phaseMs + 40, `${title} axis`);
  const planned = useMemo(
    () => planOf(kind, scale, entities, options, view.fromZero),
    [kind, scale, entities, options, view.fromZero, domainTick],
  );
  // Same plan by value, same object: the frame's memo below compares by reference.
  const planKey = JSON.stringify(planned);
  const plan = useMemo(() => planned, [planKey]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(committed, [domainTick, committed]);

  // Written straight to the DOM (React never rewrites the constant initial value): a state would
  // re-render the figure on every redraw.
  const onDrawn = useCallback((n: number) => figureRef.current?.setAttribute('data-points', String(n)), []);
  const summary = useMemo(() => summaryOf(kind, runs, view.hp), [kind, runs, domainTick, view.hp]);
  const transform = useMemo(() => forward(plan.kind, plan.c), [plan]);
  const tickLabel = useMemo(() => {
    const inv = inverse(plan.kind, plan.c);
    return (t: number) => formatForPeople(Number(inv(t).toPrecision(12)));
  }, [plan]);
  const xLabel = X_AXIS_LABELS[view.xAxis];

  const frame = useMemo(
    () =>
      width > 0 && (
        <ComposedChart width={width} height={HEIGHT} margin={MARGIN} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            type="number"
            dataKey="x"
            domain={xDomain}
            allowDataOverflow
            tickFormatter={formatForPeople}
            label={{ value: xLabel, position: 'insideBottom', offset: -12, fontSize: 12 }}
            tick={{ fontSize: 11 }}
          />
          <YAxis type="number" width={Y_AXIS_WIDTH} domain={plan.domain} ticks={plan.ticks} allowDataOverflow scale="linear" tickFormatter={tickLabel} tick={{ fontSize: 11 }} />
          {plan.kind !== 'log' && plan.domain[0] < 0 && plan.domain[1] > 0 && <ReferenceLine y={0} className="zero-line" />}
          <SeriesLayer kind={kind} entities={entities} options={options} transform={transform} phaseMs={phaseMs} label={title} onDrawn={onDrawn} />
          <CrosshairLayer kind={kind} entities={entities} options={options} transform={transform} xDomain={xDomain} />
          <EditMarkers runs={runs} />
        </ComposedChart>
      ),
    // xDomain is a fresh array when unzoomed: compare its ends.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [width, xDomain[0], xDomain[1], xLabel, plan, tickLabel, kind, entities, runs, options, transform, phaseMs, title, onDrawn],
  );

  // Keyboard crosshair: steps along the drawn points of the series with the most of them.
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const { x, setX } = useCrosshairStore.getState();
    if (e.key === 'Escape') {
      setX(null);
      return;
    }
    const series = seriesForChart(kind, entities, options);
    const ref = series.reduce<Float64Array>((best, s) => (s.line.x.length > best.length ? s.line.x : best), new Float64Array(0));
    const inView = ref.filter((v) => v >= xDomain[0] && v <= xDomain[1]);
    const n = e.shiftKey ? 10 : 1;
    let next: number | null | undefined;
    if (e.key === 'ArrowRight' || e.key === 'ArrowUp') next = stepX(inView, x, n);
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowDown') next = stepX(inView, x, -n);
    else if (e.key === 'Home') next = stepX(inView, null, 1);
    else if (e.key === 'End') next = stepX(inView, null, -1);
    if (next === undefined) return;
    e.preventDefault();
    if (next !== null) setX(next);
  };

  return (
    <figure ref={figureRef} className="chart" role="figure" aria-label={title} data-kind={kind} data-points="0">
      <figcaption>
        <span className="chart-title">{title}</span> <ChartImageButtons title={title} boxRef={boxRef} />{' '}
        <span className="chart-caption">{caption}</span>
        <span className="visually-hidden"> {summary}</span>
      </figcaption>
      <div
        className="chart-box"
        ref={boxRef}
        tabIndex={0}
        role="group"
        aria-label={`${title} plot: arrow keys move the crosshair, Shift for larger steps, Escape hides it; drag to zoom`}
        aria-describedby={tooltipId}
        onKeyDown={onKeyDown}
        onFocus={() => setFocused(true)}
        onBlur={() => setFocused(false)}
        onPointerLeave={() => !focused && useCrosshairStore.getState().setX(null)}
      >
        {frame}
        <ChartTooltip id={tooltipId} kind={kind} entities={entities} options={options} xAxis={view.xAxis} xDomain={xDomain} live={focused} />
      </div>
    </figure>
  );
}

export const ChartFigure = memo(ChartFigureImpl);
