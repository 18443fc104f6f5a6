// The Controller inputs panel: shown while Adam + learned schedule is ticked or the latest Start has such a
// run. Every 10 steps its controller reads 7 features of training (the reference environment's
// observation) and rescales α; the workers send each decision (src/engine/types.ts ControllerRecord).
// One chart of the chosen feature over iterations, a line per learned-schedule run (log y axis when every
// value is > 0), drawn as plain paths with the charts' helpers; screen readers get a sentence per run
// with the last values of every feature.
import { useEffect, useId, useMemo, useState } from 'react';
import { ComposedChart, CartesianGrid, XAxis, YAxis, usePlotArea, useXAxisScale, useYAxisScale } from 'recharts';
import { CONTROLLER_FEATURES, type ControllerFeature } from '../engine/types';
import { optimizerInfo, optimizerLabel } from '../optim/catalog';
import { seriesBuffers } from '../series/buffers';
import { formatForPeople } from '../config/validate';
import { useConfigStore } from '../store/configStore';
import { LineSwatch } from './ChartLegend';
import { forward, inverse } from './chart/yScale';
import type { LineStyle } from './colors';
import { controllerSummary, FEATURE_NAMES, featureColumn, featureYAxis, type FeatureColumn } from './controllerSeries';
import { niceDomain } from './niceDomain';
import { linear, pathOf } from './SeriesLayer';
import { useElementWidth } from './useElementWidth';
import { useSeriesRefresh } from './useSeriesRefresh';
import { useCurrentRuns } from './useCurrentRuns';

const HEIGHT = 220;
const MARGIN = { top: 6, right: 12, bottom: 20, left: 2 };
const Y_AXIS_WIDTH = 60;

const isLearned = (name: string): boolean => {
  try {
    return optimizerInfo(name).group === 'learned';
  } catch {
    return false;
  }
};

interface PanelRun {
  runId: string;
  label: string;
  style: LineStyle;
}

interface DrawnRun extends PanelRun {
  column: FeatureColumn;
}

function Lines({ runs, transform }: { runs: readonly DrawnRun[]; transform: (v: number) => number }) {
  const area = usePlotArea();
  const px = linear(useXAxisScale(), 0, 1);
  const pyLinear = linear(useYAxisScale(), 0, 1);
  if (!area || !px || !pyLinear) return null;
  const py = (v: number) => pyLinear(transform(v));
  return (
    <g className="series-layer">
      {runs.map((r) => (
        <path
          key={r.runId}
          d={pathOf({ x: r.column.iteration, y: r.column.value }, px, py)}
          fill="none"
          stroke={r.style.color}
          strokeDasharray={r.style.dash}
          strokeWidth={1.8}
          className="series-line"
        />
      ))}
    </g>
  );
}

function FeatureChart({ runs, feature }: { runs: readonly PanelRun[]; feature: ControllerFeature }) {
  const { tick, committed } = useSeriesRefresh(1000, 360, 'controller inputs');
  useEffect(committed, [tick, committed]);
  const counts = runs.map((r) => seriesBuffers.controllerCount(r.runId)).join(',');
  const drawn = useMemo(
    () => runs.map((r) => ({ ...r, column: featureColumn(seriesBuffers.controller(r.runId), feature) })),
    [runs, feature, counts], // eslint-disable-line react-hooks/exhaustive-deps
  );
  const [boxRef, width] = useElementWidth<HTMLDivElement>();
  const plan = featureYAxis(drawn.map((d) => d.column));
  const transform = useMemo(() => forward(plan?.kind ?? 'linear', plan?.c ?? 1), [plan?.kind, plan?.c]);
  const tickLabel = useMemo(() => {
    const inv = inverse(plan?.kind ?? 'linear', plan?.c ?? 1);
    return (t: number) => formatForPeople(Number(inv(t).toPrecision(12)));
  }, [plan?.kind, plan?.c]);
  let last = 0;
  for (const d of drawn) for (const v of d.column.iteration) if (v > last) last = v;
  const xHi = niceDomain(0, Math.max(last, 1), true)?.[1] ?? 1;
  const points = drawn.reduce((n, d) => n + d.column.iteration.length, 0);
  const name = FEATURE_NAMES[feature];
  return (
    <figure className="chart controller-chart" role="figure" aria-label={`Controller input: ${name}`} data-kind="controller" data-feature={feature} data-points={points}>
      <figcaption>
        <span className="chart-title">{name}</span>{' '}
        <span className="chart-caption">
          as the controller read it at each decision (every 10 steps), by iteration; {plan?.kind === 'log' ? 'log' : 'linear'} y axis
        </span>
        {drawn.map((d) => (
          <span key={d.runId} className="visually-hidden">
            {' '}
            {controllerSummary(d.label, seriesBuffers.controller(d.runId))}
          </span>
        ))}
      </figcaption>
      {points === 0 && (
        <p className="hint controller-empty" data-state="no-decisions">
          No decision yet: the controller first reads its inputs after 10 steps.
        </p>
      )}
      {/* Always in the page: its width is measured once, when it mounts. */}
      <div className={`controller-box${points === 0 ? ' controller-box-empty' : ''}`} ref={boxRef} aria-hidden="true">
        {width > 0 && plan && points > 0 && (
          <ComposedChart width={width} height={HEIGHT} margin={MARGIN} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              type="number"
              dataKey="x"
              domain={[0, xHi]}
              allowDataOverflow
              tickFormatter={formatForPeople}
              label={{ value: 'Iteration', position: 'insideBottom', offset: -10, fontSize: 11 }}
              tick={{ fontSize: 10 }}
            />
            <YAxis type="number" width={Y_AXIS_WIDTH} domain={plan.domain} ticks={plan.ticks} allowDataOverflow scale="linear" tickFormatter={tickLabel} tick={{ fontSize: 10 }} />
            <Lines runs={drawn} transform={transform} />
          </ComposedChart>
        )}
      </div>
      {drawn.length > 1 && (
        <ul className="legend" aria-label="Legend">
          {drawn.map((d) => (
            <li key={d.runId}>
              <LineSwatch color={d.style.color} dash={d.style.dash} />
              {d.label}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}

export function ControllerPanel() {
  const runs = useCurrentRuns(isLearned);
  const ticked = useConfigStore((s) => s.optimizers.some(isLearned));
  const [feature, setFeature] = useState<ControllerFeature>('val_loss');
  const id = useId();
  if (runs.length === 0 && !ticked) return null;
  const learnedName = optimizerLabel('Adam-Learned');
  return (
    <section className="controller-inputs" aria-labelledby={`${id}-heading`} aria-describedby={`${id}-desc`}>
      <h2 id={`${id}-heading`}>Controller inputs</h2>
      <p id={`${id}-desc`} className="hint">
        Every 10 steps the controller of {learnedName} reads these 7 inputs (the loss on 10,000 validation images held out of
        the training set among them) and multiplies the learning rate by 1.05, divides it by 1.05 or keeps it.
      </p>
      {runs.length === 0 ? (
        <p className="hint controller-empty" data-state="empty">
          No {learnedName} run yet: press Start with it ticked, and its controller&apos;s inputs appear here.
        </p>
      ) : (
        <>
          <div className="field controller-feature">
            <label htmlFor={`${id}-feature`}>Controller input</label>
            <select id={`${id}-feature`} value={feature} onChange={(e) => setFeature(e.target.value as ControllerFeature)}>
              {CONTROLLER_FEATURES.map((f) => (
                <option key={f} value={f}>
                  {FEATURE_NAMES[f]}
                </option>
              ))}
            </select>
          </div>
          <FeatureChart runs={runs} feature={feature} />
        </>
      )}
    </section>
  );
}
