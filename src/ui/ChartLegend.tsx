// One legend for all charts: each drawn line's style (colour family, solid = plain, dashed = HD), what a
// band means, what the smoothing and the difference view do, and which runs the difference view leaves out.
import type { Entity } from './chartSeries';

export function LineSwatch({ color, dash }: { color: string; dash?: string }) {
  return (
    <svg className="swatch" width="28" height="10" aria-hidden="true" focusable="false">
      <line x1="1" y1="5" x2="27" y2="5" stroke={color} strokeWidth="2.5" strokeDasharray={dash} />
    </svg>
  );
}

/** A line over a shaded band: the swatch of a seed group (mean and min–max). */
function BandSwatch({ color, dash }: { color: string; dash?: string }) {
  return (
    <svg className="swatch" width="28" height="12" aria-hidden="true" focusable="false">
      <rect x="1" y="1" width="26" height="10" fill={color} className="series-band" />
      <line x1="1" y1="6" x2="27" y2="6" stroke={color} strokeWidth="2.5" strokeDasharray={dash} />
    </svg>
  );
}

interface Props {
  entities: readonly Entity[];
  diff: { entities: readonly Entity[]; unpaired: readonly string[] } | null;
  smoothing: number;
}

export function ChartLegend({ entities, diff, smoothing }: Props) {
  const seeds = entities.some((e) => e.kind === 'seeds');
  return (
    <div className="legend-block">
      <ul className="legend" aria-label="Legend">
        {entities.map((e) => (
          <li key={e.key}>
            {e.kind === 'seeds' ? <BandSwatch color={e.style.color} dash={e.style.dash} /> : <LineSwatch color={e.style.color} dash={e.style.dash} />}
            {e.label}
          </li>
        ))}
      </ul>
      <p className="legend-notes">
        {seeds && 'Runs that differ only by seed are drawn as their mean with a min–max band; tick "Show each seed" to draw them one by one. '}
        {smoothing > 0 && `Training loss smoothed by a debiased moving average (weight ${smoothing}) over every point; raw values faint behind. `}
        {diff &&
          (diff.entities.length > 0
            ? `Loss chart: ${diff.entities.map((e) => e.label).join('; ')}. `
            : 'Loss chart: no variant has its baseline run among these runs, so there is no difference to draw. ')}
        {diff && diff.unpaired.length > 0 && `Not in the difference view (no baseline run): ${diff.unpaired.join(', ')}.`}
      </p>
    </div>
  );
}
