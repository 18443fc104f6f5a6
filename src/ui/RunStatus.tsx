// The live region: what each run of the charts is doing, with a progress bar per run; below it the
// list of every run kept in this browser.
import { useShallow } from 'zustand/react/shallow';
import { seriesBuffers } from '../series/buffers';
import { threadsExplained } from '../sched/threads';
import { useRunsStore, type RunMeta } from '../store/runsStore';
import { RunsList } from './RunsList';

/** One line of status text, e.g. "SGD-HD: training, iteration 120 / 469 (wasm) on 2 threads". */
export function statusText(r: RunMeta): string {
  const threads = r.backend === 'wasm' && r.threads !== undefined ? ` on ${threadsExplained(r.threads, r.isolated)}` : '';
  const on = r.backend ? ` (${r.backend})${threads}` : '';
  switch (r.state) {
    case 'loading':
      return `${r.label}: loading${on}`;
    case 'training':
      return `${r.label}: training, iteration ${r.iteration} / ${r.total}${on}`;
    case 'paused':
      return `${r.label}: paused at iteration ${r.iteration} / ${r.total}${on}`;
    case 'done': {
      const last = seriesBuffers.lastEval(r.runId);
      const acc = last && last.iteration > 0 ? `, validation accuracy ${(last.valAccuracy * 100).toFixed(2)} %` : '';
      return `${r.label}: done, ${r.iteration} iterations${acc}${on}`;
    }
    case 'diverged':
      return `${r.label}: diverged at iteration ${r.divergedAt ?? r.iteration}${on}`;
    case 'stopped':
      return `${r.label}: stopped at iteration ${r.iteration}${on}`;
    case 'error':
      // A fault mid-run (worker crashed, out of memory, GPU device lost) keeps the points so far: say where it stopped.
      return r.iteration > 0
        ? `${r.label}: error at iteration ${r.iteration} / ${r.total}: ${r.message ?? 'unknown error'} (its points so far are kept)${on}`
        : `${r.label}: error: ${r.message ?? 'unknown error'}`;
    case 'interrupted':
      return `${r.label}: interrupted at iteration ${r.iteration} / ${r.total} (the page was closed or reloaded while it ran)${on}`;
  }
}

function RunLine({ run }: { run: RunMeta }) {
  const id = `progress-${run.runId}`;
  const showBar = run.state === 'training' || run.state === 'paused' || run.state === 'done' || run.state === 'interrupted';
  return (
    <li className={`run-line state-${run.state}`}>
      <span id={`${id}-label`}>{statusText(run)}</span>
      {showBar && run.total > 0 && (
        <progress
          id={id}
          max={run.total}
          value={Math.min(run.iteration, run.total)}
          aria-label={`${run.label} progress`}
        />
      )}
    </li>
  );
}

export function RunStatus() {
  const runs = useRunsStore(useShallow((s) => s.current.map((id) => s.runs[id]).filter((r): r is RunMeta => !!r)));
  return (
    <section className="status-section" aria-labelledby="status-heading">
      <h2 id="status-heading">Runs</h2>
      <div role="status" aria-live="polite" className="run-status">
        {runs.length === 0 ? (
          <p className="hint">No runs yet.</p>
        ) : (
          <ul>
            {runs.map((r) => (
              <RunLine key={r.runId} run={r} />
            ))}
          </ul>
        )}
      </div>
      <RunsList />
    </section>
  );
}
