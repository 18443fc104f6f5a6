// Mid-run edits: while runs train, changing α₀, β, μ, weight decay or an optimizer's own settings offers
// "Apply to running runs"; the workers use the new values from their next iteration, and the charts and
// the export mark the edit. An explicit button, not every keystroke: half-typed values never reach a run.
import { useState } from 'react';
import { useConfigStore } from '../store/configStore';
import { applyLiveEdits, planLiveEdits } from '../store/runner';
import { useRunsStore } from '../store/runsStore';
import { capitalise } from '../format/words';

export function LiveEdit() {
  // Re-plan whenever the form or a run changes (both are cheap to compare).
  useConfigStore((s) => s.texts);
  useConfigStore((s) => s.perOptimizer);
  useConfigStore((s) => s.optimizers);
  useRunsStore((s) => s.runs);
  const [done, setDone] = useState('');
  const plan = planLiveEdits();
  if (!plan) return done ? <p className="live-edit-done" aria-live="polite">{done}</p> : null;
  const n = plan.edits.length;
  const waiting = plan.edits.filter((e) => e.queued).length;
  return (
    <div className="live-edit">
      <button
        type="button"
        disabled={n === 0}
        aria-describedby="live-edit-hint"
        onClick={() => {
          const r = applyLiveEdits(plan);
          setDone(appliedText(r));
        }}
      >
        Apply to running runs
      </button>
      <p id="live-edit-hint" className="field-hint" aria-live="polite">
        {n > 0
          ? `${runs(n)} would change${waiting > 0 ? ` (${waiting} still waiting to start: they take it before their first step)` : ''}.`
          : done || 'Change α₀, β, μ, weight decay or an optimizer’s settings to edit the running runs.'}
        {plan.startOnly.length > 0 && ` ${capitalise(plan.startOnly.join(', '))} only change at the next Start.`}
      </p>
    </div>
  );
}

const runs = (n: number) => `${n} run${n === 1 ? '' : 's'}`;

/** What Apply did, every run accounted for (none is dropped in silence). */
export function appliedText(r: { sent: number; queued: number; ended: number }): string {
  const parts: string[] = [];
  if (r.sent > 0) parts.push(`applied to ${runs(r.sent)} from their next iteration`);
  if (r.queued > 0) parts.push(`${runs(r.queued)} waiting to start will take it before their first step`);
  if (r.ended > 0) parts.push(`${runs(r.ended)} ended before it could reach them`);
  return parts.length === 0 ? 'Nothing to apply.' : capitalise(parts.join('; ')) + '.';
}
