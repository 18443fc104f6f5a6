// One legend for all charts: each run's line style (colour family, solid = plain, dashed = HD).
import type { ChartRun } from './ChartFigure';

export function LineSwatch({ color, dash }: { color: string; dash?: string }) {
  return (
    <svg className="swatch" width="28" height="10" aria-hidden="true" focusable="false">
      <line x1="1" y1="5" x2="27" y2="5" stroke={color} strokeWidth="2.5" strokeDasharray={dash} />
    </svg>
  );
}

export function ChartLegend({ runs }: { runs: readonly ChartRun[] }) {
  return (
    <ul className="legend" aria-label="Legend">
      {runs.map((r) => (
        <li key={r.runId}>
          <LineSwatch color={r.style.color} dash={r.style.dash} />
          {r.label}
        </li>
      ))}
    </ul>
  );
}
