// The shared crosshair: a vertical line with a dot on each series (inside each chart's SVG), a tooltip
// listing every visible series' value at that x (HTML over the chart), and the pointer handling that
// moves it and drag-selects a zoom range. The x lives in useCrosshairStore, so hovering one chart moves
// the crosshair on all three; keyboard control is on the chart box (ChartFigure).
import { useRef, useState, type PointerEvent } from 'react';
import { usePlotArea, useXAxisScale, useYAxisScale } from 'recharts';
import { X_AXIS_LABELS, type XAxis } from '../../series/axes';
import { nearestIndex, zoomRange } from '../../series/crosshair';
import { useViewStore } from '../../store/viewStore';
import { formatForPeople } from '../../config/validate';
import { seriesForChart, type ChartKind, type ChartMetric, type DrawnSeries, type Entity, type SeriesOptions } from '../chartSeries';
import { linear } from '../SeriesLayer';
import { useCrosshairStore } from './crosshairStore';

const METRIC_NAMES: Record<ChartMetric, string> = {
  loss: 'train',
  valLoss: 'validation',
  valAccuracy: '',
  lr: '',
  lossDiff: '',
  'hp:mu': '',
  'hp:beta1': '',
  'hp:beta2': '',
  'hp:gamma': '',
};

export interface CrosshairValue {
  key: string;
  label: string;
  color: string;
  /** The series' own x nearest the crosshair, and its value there. */
  x: number;
  y: number;
}

/** Each series' value at its sample nearest to x (series with no samples are left out). */
export function crosshairValues(series: readonly DrawnSeries[], x: number): CrosshairValue[] {
  const out: CrosshairValue[] = [];
  for (const s of series) {
    const i = nearestIndex(s.full.x, x);
    if (i < 0) continue;
    const what = METRIC_NAMES[s.metric];
    out.push({ key: s.key, label: what ? `${s.entity.label} (${what})` : s.entity.label, color: s.entity.style.color, x: s.full.x[i], y: s.full.y[i] });
  }
  return out;
}

interface LayerProps {
  kind: ChartKind;
  entities: readonly Entity[];
  options: SeriesOptions;
  transform: (v: number) => number;
  /** The visible x range (the zoom, or everything). */
  xDomain: [number, number];
}

/** Crosshair line and dots, plus the transparent overlay that turns pointer moves and drags into x values. */
export function CrosshairLayer({ kind, entities, options, transform, xDomain }: LayerProps) {
  const x = useCrosshairStore((s) => s.x);
  const setX = useCrosshairStore((s) => s.setX);
  const setZoom = useViewStore((s) => s.setZoom);
  const area = usePlotArea();
  const px = linear(useXAxisScale(), 0, 1);
  const pyLinear = linear(useYAxisScale(), 0, 1);
  const [drag, setDrag] = useState<{ from: number; to: number } | null>(null);
  const dragging = useRef(false);
  if (!area || !px || !pyLinear) return null;

  const p0 = px(0);
  const b = px(1) - p0;
  const valueAt = (e: PointerEvent<SVGRectElement>): number => {
    const svg = e.currentTarget.ownerSVGElement;
    const left = svg ? svg.getBoundingClientRect().left : 0;
    return (e.clientX - left - p0) / b;
  };

  const onDown = (e: PointerEvent<SVGRectElement>) => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture?.(e.pointerId);
    dragging.current = true;
    const v = valueAt(e);
    setDrag({ from: v, to: v });
  };
  const onMove = (e: PointerEvent<SVGRectElement>) => {
    const v = valueAt(e);
    setX(Math.max(xDomain[0], Math.min(xDomain[1], v)));
    if (dragging.current) setDrag((d) => (d ? { ...d, to: v } : d));
  };
  const onUp = () => {
    dragging.current = false;
    if (drag) {
      const z = zoomRange(drag.from, drag.to, xDomain, 0.01);
      if (z) setZoom(z);
    }
    setDrag(null);
  };

  const inside = x !== null && x >= xDomain[0] && x <= xDomain[1];
  const dots = inside
    ? crosshairValues(seriesForChart(kind, entities, options), x)
        .map((v) => ({ ...v, cx: px(v.x), cy: pyLinear(transform(v.y)) }))
        .filter((d) => Number.isFinite(d.cy) && d.cy >= area.y && d.cy <= area.y + area.height)
    : [];
  const selLeft = drag ? Math.max(area.x, Math.min(px(drag.from), px(drag.to))) : 0;
  const selRight = drag ? Math.min(area.x + area.width, Math.max(px(drag.from), px(drag.to))) : 0;

  return (
    <g className="crosshair-layer">
      {inside && <line className="crosshair-line" x1={px(x)} x2={px(x)} y1={area.y} y2={area.y + area.height} />}
      {dots.map((d) => (
        <circle key={d.key} className="crosshair-dot" cx={d.cx} cy={d.cy} r={3} fill={d.color} />
      ))}
      {drag && selRight > selLeft && <rect className="zoom-selection" x={selLeft} y={area.y} width={selRight - selLeft} height={area.height} />}
      <rect
        className="crosshair-overlay"
        x={area.x}
        y={area.y}
        width={Math.max(0, area.width)}
        height={Math.max(0, area.height)}
        fill="transparent"
        onPointerDown={onDown}
        onPointerMove={onMove}
        onPointerUp={onUp}
        onPointerCancel={() => {
          dragging.current = false;
          setDrag(null);
        }}
      />
    </g>
  );
}

interface TooltipProps {
  id: string;
  kind: ChartKind;
  entities: readonly Entity[];
  options: SeriesOptions;
  xAxis: XAxis;
  xDomain: [number, number];
  /** Announce changes (only while the chart has keyboard focus: hover would be too chatty). */
  live: boolean;
  format?: (v: number) => string;
}

/** The values at the crosshair, over the chart; on the side away from the crosshair so it hides no line near it. */
export function ChartTooltip({ id, kind, entities, options, xAxis, xDomain, live, format = formatForPeople }: TooltipProps) {
  const x = useCrosshairStore((s) => s.x);
  const visible = x !== null && x >= xDomain[0] && x <= xDomain[1];
  const values = visible ? crosshairValues(seriesForChart(kind, entities, options), x) : [];
  const right = visible && x - xDomain[0] < (xDomain[1] - xDomain[0]) / 2;
  // What a screen reader hears while the chart has keyboard focus: a live region that is always in the
  // page (one that appears with its text, as the tooltip does, is often not announced).
  const spoken =
    live && visible
      ? `${X_AXIS_LABELS[xAxis]} ${format(values[0]?.x ?? x)}: ${values.length === 0 ? 'no data here' : values.map((v) => `${v.label} ${format(v.y)}`).join(', ')}`
      : '';
  return (
    <>
    <div className="visually-hidden" aria-live="polite" aria-atomic="true">
      {spoken}
    </div>
    <div id={id} role="tooltip" className={`chart-tooltip${right ? ' right' : ''}`} hidden={!visible}>
      {visible && (
        <>
          <div className="chart-tooltip-x">
            {/* The first series' own sample x: "iteration 40", not the pointer's 39.7. */}
            {X_AXIS_LABELS[xAxis]} {format(values[0]?.x ?? x)}
          </div>
          <ul>
            {values.map((v) => (
              <li key={v.key}>
                <span className="chart-tooltip-swatch" style={{ background: v.color }} aria-hidden="true" />
                {v.label}: {format(v.y)}
              </li>
            ))}
            {values.length === 0 && <li>No data here.</li>}
          </ul>
        </>
      )}
    </div>
    </>
  );
}
