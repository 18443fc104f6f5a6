// The chart's numbers as a table (for screen readers, and for anyone who wants the digits): one row
// per optimizer and α₀ that has finished runs, with the value, the seed range, and how many diverged.
// Collapsed by default under a <summary>, which is reachable and operable by keyboard.
import type { SweepMetric, SweepResult } from '../../series/alphaSweep';
import { formatForPeople } from '../../config/validate';
import { alphaLabel, METRIC_SHORT } from '../../sweep/sweepForm';
import { shownName } from '../../series/optimizerNames';

const dash = '—';

function valueWords(metric: SweepMetric, runs: number, count: number, diverged: number): string {
  if (count > 0) return '';
  if (diverged === runs) return 'diverged';
  return metric.kind === 'iterations-to-threshold' ? 'not reached' : 'no value';
}

export function SweepTable({ result, metric }: { result: SweepResult; metric: SweepMetric }) {
  const rows = result.series.flatMap((s) => s.points.filter((p) => p.runs > 0).map((p) => ({ optimizer: s.optimizer, p })));
  const short = METRIC_SHORT[metric.kind];
  return (
    <details className="sweep-table">
      <summary>Table of values ({rows.length} {rows.length === 1 ? 'row' : 'rows'})</summary>
      <table>
        <caption className="visually-hidden">α₀ sweep: {short} per optimizer and α₀</caption>
        <thead>
          <tr>
            <th scope="col">Optimizer</th>
            <th scope="col">α₀</th>
            <th scope="col">{short}</th>
            <th scope="col">Min</th>
            <th scope="col">Max</th>
            <th scope="col">Runs</th>
            <th scope="col">Diverged</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ optimizer, p }) => (
            <tr key={`${optimizer}-${p.alpha0}`} className={p.count === 0 ? 'sweep-row-novalue' : undefined}>
              <th scope="row">{shownName(optimizer)}</th>
              <td>{alphaLabel(p.alpha0)}</td>
              <td>{p.mean !== null ? formatForPeople(p.mean) : valueWords(metric, p.runs, p.count, p.diverged)}</td>
              <td>{p.min !== null ? formatForPeople(p.min) : dash}</td>
              <td>{p.max !== null ? formatForPeople(p.max) : dash}</td>
              <td>{p.runs}</td>
              <td>{p.diverged}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
