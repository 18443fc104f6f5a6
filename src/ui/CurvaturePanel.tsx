// The Curvature panel: shown while the latest Start has an ESGD-M run. ESGD-M divides each parameter's
// step by √d, d its running estimate of the squared Hessian diagonal (from Hessian-vector products); the
// workers send, at every step that re-estimates it, the 10/50/90 % quantiles of √d over each layer's
// parameters. One small chart per layer (small multiples, each on its own log y axis, since layers differ
// by decades): the median as a line over the 10–90 % band, against the charts' x axis (iterations,
// epochs, examples, time or gradient evaluations). Drawn as plain paths with the charts' own helpers
// (pathOf, bandPathOf, the y-axis plans); screen readers get a sentence per layer.
import { memo, useEffect, useMemo } from 'react';
import { ComposedChart, CartesianGrid, XAxis, YAxis, usePlotArea, useXAxisScale, useYAxisScale } from 'recharts';
import { X_AXIS_LABELS, type XAxis as XAxisKind } from '../series/axes';
import { seriesBuffers } from '../series/buffers';
import { formatForPeople } from '../config/validate';
import { useViewStore } from '../store/viewStore';
import { forward, inverse, type YAxisPlan } from './chart/yScale';
import { eventXs, type ChartRun } from './chartSeries';
import type { LineStyle } from './colors';
import { curvatureByLayer, curvatureYAxis, layerSummary, thinIndices, type LayerCurvature } from './curvatureSeries';
import { niceDomain } from './niceDomain';
import { bandPathOf, linear, pathOf } from './SeriesLayer';
import { useElementWidth } from './useElementWidth';
import { useSeriesRefresh } from './useSeriesRefresh';
import { useCurrentRuns } from './useCurrentRuns';

const HEIGHT = 150;
const MARGIN = { top: 6, right: 12, bottom: 20, left: 2 };
const Y_AXIS_WIDTH = 52;
/** Points per drawn line of a small chart. */
const MAX_POINTS = 400;

/** One layer, ready to draw: x on the current axis (NaN: not placeable yet), thinned. */
interface DrawnLayer {
  /** Thinned to MAX_POINTS (the first and the latest kept). */
  layer: LayerCurvature;
  /** Hessian steps recorded (before thinning). */
  steps: number;
  x: Float64Array;
  plan: YAxisPlan | null;
  xHi: number;
}

function drawnLayers(run: ChartRun, xAxis: XAxisKind): DrawnLayer[] {
  return curvatureByLayer(seriesBuffers.curvature(run.runId)).map((full) => {
    const keep = thinIndices(full.iteration.length, MAX_POINTS);
    const pick = (a: Float64Array) => Float64Array.from(keep, (i) => a[i]);
    const layer = { layer: full.layer, iteration: pick(full.iteration), q10: pick(full.q10), q50: pick(full.q50), q90: pick(full.q90) };
    const x = Float64Array.from(eventXs(run, Array.from(layer.iteration), xAxis));
    let last = 0;
    for (const v of x) if (Number.isFinite(v) && v > last) last = v;
    return { layer, steps: full.iteration.length, x, plan: curvatureYAxis(layer), xHi: niceDomain(0, Math.max(last, 1e-9), true)?.[1] ?? 1 };
  });
}

function CurvatureLines({ d, style, transform }: { d: DrawnLayer; style: LineStyle; transform: (v: number) => number }) {
  const area = usePlotArea();
  const px = linear(useXAxisScale(), 0, 1);
  const pyLinear = linear(useYAxisScale(), 0, 1);
  if (!area || !px || !pyLinear) return null;
  const py = (v: number) => pyLinear(transform(v));
  const band = bandPathOf({ x: d.x, lo: d.layer.q10, hi: d.layer.q90 }, px, py);
  const median = pathOf({ x: d.x, y: d.layer.q50 }, px, py);
  return (
    <g className="series-layer">
      <path d={band} fill={style.color} stroke="none" className="series-band" />
      <path d={median} fill="none" stroke={style.color} strokeWidth={1.8} className="series-line" />
    </g>
  );
}

const LayerChart = memo(function LayerChart({ d, style, xAxis, runLabel }: { d: DrawnLayer; style: LineStyle; xAxis: XAxisKind; runLabel: string }) {
  const [boxRef, width] = useElementWidth<HTMLDivElement>();
  const plan = d.plan ?? { kind: 'log' as const, c: 1, domain: [-1, 1] as [number, number] };
  const transform = useMemo(() => forward(plan.kind, plan.c), [plan]);
  const tickLabel = useMemo(() => {
    const inv = inverse(plan.kind, plan.c);
    return (t: number) => formatForPeople(Number(inv(t).toPrecision(12)));
  }, [plan]);
  const title = `${d.layer.layer}`;
  return (
    <figure
      className="chart curvature-chart"
      role="figure"
      aria-label={`Curvature of layer ${d.layer.layer}${runLabel ? ` (${runLabel})` : ''}`}
      data-kind="curvature"
      data-layer={d.layer.layer}
      data-points={d.layer.iteration.length}
      data-steps={d.steps}
    >
      <figcaption>
        <span className="chart-title">{title}</span> <span className="chart-caption">√d, {plan.kind === 'log' ? 'log' : 'symmetric-log'} axis</span>
        <span className="visually-hidden"> {layerSummary(d.layer, d.steps)}</span>
      </figcaption>
      <div className="curvature-box" ref={boxRef} aria-hidden="true">
        {width > 0 && (
          <ComposedChart width={width} height={HEIGHT} margin={MARGIN} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              type="number"
              dataKey="x"
              domain={[0, d.xHi]}
              allowDataOverflow
              tickFormatter={formatForPeople}
              label={{ value: X_AXIS_LABELS[xAxis], position: 'insideBottom', offset: -10, fontSize: 11 }}
              tick={{ fontSize: 10 }}
            />
            <YAxis type="number" width={Y_AXIS_WIDTH} domain={plan.domain} ticks={plan.ticks} allowDataOverflow scale="linear" tickFormatter={tickLabel} tick={{ fontSize: 10 }} />
            <CurvatureLines d={d} style={style} transform={transform} />
          </ComposedChart>
        )}
      </div>
    </figure>
  );
});

function RunCurvature({ run, showLabel, phaseMs }: { run: ChartRun; showLabel: boolean; phaseMs: number }) {
  const xAxis = useViewStore((s) => s.xAxis);
  const { tick, committed } = useSeriesRefresh(1000, phaseMs, `curvature ${run.label}`);
  useEffect(committed, [tick, committed]);
  const count = seriesBuffers.curvature(run.runId).length;
  // Re-read on a refresh that brought new snapshots, or new points to place them on (time, gradient evaluations).
  const version = xAxis === 'iteration' || xAxis === 'epoch' || xAxis === 'examples' ? count : tick;
  const layers = useMemo(() => drawnLayers(run, xAxis), [run, xAxis, count, version]); // eslint-disable-line react-hooks/exhaustive-deps
  const headingId = `curvature-run-${run.runId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return (
    <div className="curvature-run" role="group" aria-labelledby={showLabel ? headingId : undefined} aria-label={showLabel ? undefined : run.label}>
      {showLabel && (
        <h3 id={headingId} className="curvature-run-label">
          {run.label}
        </h3>
      )}
      {layers.length === 0 ? (
        <p className="hint curvature-empty" data-state="empty">
          No Hessian step yet: √d appears after {showLabel ? 'this run' : 'the ESGD-M run'}&apos;s first Hessian-vector product (every step during
          its Hessian warm-up, then every “Hessian every” steps).
        </p>
      ) : (
        <div className="curvature-grid">
          {layers.map((d) => (
            <LayerChart key={d.layer.layer} d={d} style={run.style} xAxis={xAxis} runLabel={showLabel ? run.label : ''} />
          ))}
        </div>
      )}
    </div>
  );
}

const isEsgd = (optimizer: string): boolean => optimizer === 'ESGD-M';

export function CurvaturePanel() {
  const runs = useCurrentRuns(isEsgd);
  if (runs.length === 0) return null;
  return (
    <section className="curvature" aria-labelledby="curvature-heading" aria-describedby="curvature-desc">
      <h2 id="curvature-heading">Curvature</h2>
      <p id="curvature-desc" className="hint">
        ESGD-M divides each parameter&apos;s step by √d: larger √d, smaller step. d estimates the squared Hessian diagonal from
        Hessian-vector products with random ±1 probes, (H·v)², kept as a decaying maximum. Per layer, at each step that re-estimates d: the median √d over the layer&apos;s parameters
        (line) and the range from 10 % to 90 % of them (band).
      </p>
      {runs.map((r, i) => (
        <RunCurvature key={r.runId} run={r} showLabel={runs.length > 1} phaseMs={300 + i * 60} />
      ))}
    </section>
  );
}
