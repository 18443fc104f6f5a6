// What could not be used from the link the page was opened with (bad version, unknown optimizer,
// malformed number …): one alert region listing every problem, with one Dismiss button. The fields
// concerned show their defaults; everything else of the link is applied.
import { startUrlSync, useLinkStore } from '../store/urlSync';

// At module load, i.e. before React renders anything: the first frame already shows the link's
// configuration (no flash of defaults, and App's start-up effects see the link's dataset).
startUrlSync();

export function LinkProblems() {
  const problems = useLinkStore((s) => s.problems);
  const dismiss = useLinkStore((s) => s.dismiss);
  if (problems.length === 0) return null;
  return (
    <div className="alert link-problems" role="alert" aria-labelledby="link-problems-heading">
      <p id="link-problems-heading">
        <strong>Some settings of this link could not be used</strong>; those fields show their defaults.
      </p>
      <ul>
        {problems.map((p, i) => (
          <li key={`${i}-${p}`}>{p}</li>
        ))}
      </ul>
      <button type="button" className="small" onClick={dismiss}>
        Dismiss link problems
      </button>
    </div>
  );
}
