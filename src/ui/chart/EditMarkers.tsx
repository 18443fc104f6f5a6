// Mid-run edits drawn on a chart: a dashed vertical line at the first iteration that used the new
// values, in the run's colour, with the change as its tooltip and in a visually hidden list.
import { usePlotArea, useXAxisScale } from 'recharts';
import { useShallow } from 'zustand/react/shallow';
import type { RunEvent } from '../../engine/types';
import { useRunsStore } from '../../store/runsStore';
import { useViewStore } from '../../store/viewStore';
import { formatForPeople } from '../../config/validate';
import { eventXs, type ChartRun } from '../chartSeries';
import { linear } from '../SeriesLayer';

const NAMES: Record<string, string> = { alpha0: 'α₀', beta: 'β', momentum: 'μ', weightDecay: 'weight decay' };

/** "α₀ = 1e-2, β = 1e-4": an edit as people write it. */
export function describeEdit(e: RunEvent): string {
  return Object.entries(e.changes)
    .map(([k, v]) => `${NAMES[k] ?? k} = ${typeof v === 'number' ? formatForPeople(v) : v === null ? 'none' : typeof v === 'object' ? 'new schedule' : String(v)}`)
    .join(', ');
}

export function EditMarkers({ runs }: { runs: readonly ChartRun[] }) {
  const area = usePlotArea();
  const px = linear(useXAxisScale(), 0, 1);
  const xAxis = useViewStore((s) => s.xAxis);
  const events = useRunsStore(useShallow((s) => runs.map((r) => s.runs[r.runId]?.events)));
  if (!area || !px) return null;
  const lines: { key: string; x: number; color: string; text: string }[] = [];
  runs.forEach((run, i) => {
    const evs = events[i];
    if (!evs?.length) return;
    const xs = eventXs(run, evs.map((e) => e.iteration), xAxis);
    evs.forEach((e, k) => {
      const x = px(xs[k]);
      if (Number.isFinite(x) && x >= area.x && x <= area.x + area.width) {
        lines.push({ key: `${run.runId}-${k}`, x, color: run.style.color, text: `${run.label}: ${describeEdit(e)} from iteration ${e.iteration}` });
      }
    });
  });
  if (lines.length === 0) return null;
  return (
    <g className="edit-markers" role="list" aria-label="Mid-run edits">
      {lines.map((l) => (
        <line key={l.key} role="listitem" aria-label={l.text} x1={l.x} x2={l.x} y1={area.y} y2={area.y + area.height} stroke={l.color} strokeDasharray="2 3" strokeWidth={1.5}>
          <title>{l.text}</title>
        </line>
      ))}
    </g>
  );
}
