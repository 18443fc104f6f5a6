// The α₀ sensitivity chart: metric against α₀ (log axis), one line per optimizer in its colour family
// (HD variants dashed), min–max whiskers over seeds, and a band on top where diverged runs (×) and runs
// without a value (○) are marked instead of dropped. Plain SVG over the geometry of
// src/sweep/sweepChartLayout.ts: a few hundred points at most, redrawn once per finished run.
// Mouse users get a tooltip per point (<title>); screen readers get the table (SweepTable.tsx).
import { memo, useMemo } from 'react';
import type { SweepMetric, SweepResult } from '../../series/alphaSweep';
import { layoutSweepChart, MARGIN } from '../../sweep/sweepChartLayout';
import { METRIC_SHORT } from '../../sweep/sweepForm';
import { LineSwatch } from '../ChartLegend';
import { optimizerStyle } from '../colors';
import { useElementWidth } from '../useElementWidth';
import { shownName } from '../../series/optimizerNames';

const HEIGHT = 300;

interface Props {
  result: SweepResult;
  metric: SweepMetric;
  alphas: readonly number[];
  /** One line for the caption: dataset, model, budget. */
  context: string;
}

function SweepChartImpl({ result, metric, alphas, context }: Props) {
  const [boxRef, width] = useElementWidth<HTMLDivElement>();
  const layout = useMemo(() => layoutSweepChart(result, metric, alphas, { width: Math.max(width, 200), height: HEIGHT }), [result, metric, alphas, width]);
  const { plot } = layout;
  const title = `α₀ sensitivity: ${METRIC_SHORT[metric.kind]}`;
  return (
    <figure className="sweep-chart" role="figure" aria-label={title} data-points={layout.pointCount} data-markers={layout.markerCount}>
      <figcaption>
        <span className="chart-title">{title}</span>{' '}
        <span className="chart-caption">
          {context}; {layout.yLog ? 'log' : 'linear'} y axis. Hover a point for its value; the table below lists every number.
        </span>
      </figcaption>
      <ul className="legend" aria-label="Legend">
        {result.series.map((s) => {
          const st = optimizerStyle(s.optimizer);
          return (
            <li key={s.optimizer}>
              <LineSwatch color={st.color} dash={st.dash} />
              {shownName(s.optimizer)}
            </li>
          );
        })}
      </ul>
      <div className="sweep-chart-box" ref={boxRef}>
        {width > 0 && (
          <svg width={width} height={HEIGHT} aria-hidden="true" focusable="false" className="sweep-svg">
            {/* grid and axes */}
            {layout.yTicks.map((t) => (
              <g key={`y${t.value}`}>
                <line x1={plot.x0} x2={plot.x1} y1={t.px} y2={t.px} className="sweep-gridline" />
                <text x={plot.x0 - 6} y={t.px} className="sweep-tick" textAnchor="end" dominantBaseline="middle">
                  {t.label}
                </text>
              </g>
            ))}
            {layout.xTicks.map((t) => (
              <g key={`x${t.value}`}>
                <line x1={t.px} x2={t.px} y1={plot.y0} y2={plot.y1} className="sweep-gridline" />
                <text x={t.px} y={plot.y1 + 14} className="sweep-tick" textAnchor="middle">
                  {t.label}
                </text>
              </g>
            ))}
            <rect x={plot.x0} y={plot.y0} width={plot.x1 - plot.x0} height={plot.y1 - plot.y0} className="sweep-frame" />
            <text x={(plot.x0 + plot.x1) / 2} y={HEIGHT - 6} className="sweep-axis-title" textAnchor="middle">
              α₀ (initial learning rate, log axis)
            </text>
            <text transform={`translate(12 ${(plot.y0 + plot.y1) / 2}) rotate(-90)`} className="sweep-axis-title" textAnchor="middle">
              {layout.yTitle}
            </text>
            {layout.bands.map((b) => (
              <g key={b.kind}>
                <line x1={plot.x0} x2={plot.x1} y1={b.y} y2={b.y} className="sweep-band-line" />
                <text x={MARGIN.left - 6} y={b.y} className="sweep-band-label" textAnchor="end" dominantBaseline="middle">
                  {b.label}
                </text>
              </g>
            ))}
            {/* series */}
            {layout.series.map((s) => {
              const st = optimizerStyle(s.optimizer);
              return (
                <g key={s.optimizer} data-optimizer={s.optimizer}>
                  {s.path && <path d={s.path} fill="none" stroke={st.color} strokeWidth={2} strokeDasharray={st.dash} className="sweep-line" />}
                  {s.points.map((p) => (
                    <g key={p.alpha0}>
                      {p.whisker && (
                        <g stroke={st.color} strokeWidth={1.5} className="sweep-whisker">
                          <line x1={p.cx} x2={p.cx} y1={p.whisker.top} y2={p.whisker.bottom} />
                          <line x1={p.cx - 4} x2={p.cx + 4} y1={p.whisker.top} y2={p.whisker.top} />
                          <line x1={p.cx - 4} x2={p.cx + 4} y1={p.whisker.bottom} y2={p.whisker.bottom} />
                        </g>
                      )}
                      <circle cx={p.cx} cy={p.cy} r={4} fill={st.dash ? 'var(--panel, #fff)' : st.color} stroke={st.color} strokeWidth={2} className="sweep-point">
                        <title>{p.text}</title>
                      </circle>
                    </g>
                  ))}
                  {s.markers.map((m) =>
                    m.kind === 'diverged' ? (
                      <g key={`d${m.alpha0}`} className="sweep-marker sweep-diverged" stroke={st.color} strokeWidth={2.5}>
                        <title>{m.text}</title>
                        <line x1={m.cx - 4} x2={m.cx + 4} y1={m.cy - 4} y2={m.cy + 4} />
                        <line x1={m.cx - 4} x2={m.cx + 4} y1={m.cy + 4} y2={m.cy - 4} />
                        {/* a wide transparent target so the tooltip is easy to hit */}
                        <rect x={m.cx - 6} y={m.cy - 6} width={12} height={12} fill="transparent" stroke="none" />
                      </g>
                    ) : (
                      <circle key={`n${m.alpha0}`} cx={m.cx} cy={m.cy} r={4} fill="none" stroke={st.color} strokeWidth={2} className="sweep-marker sweep-novalue">
                        <title>{m.text}</title>
                      </circle>
                    ),
                  )}
                </g>
              );
            })}
          </svg>
        )}
      </div>
    </figure>
  );
}

export const SweepChart = memo(SweepChartImpl);
