// "A new version is available" with a Reload button, shown when a newer service worker is waiting, or
// has taken over from another tab (src/sw/register.ts). Runs in training would be cut off by the reload: then the button says so and
// asks first.
import { useState } from 'react';
import { reloadPrompt } from '../sw/policy';
import { applyUpdate, useUpdateStore } from '../sw/register';
import { isActive, useRunsStore } from '../store/runsStore';

export function UpdateNotice() {
  const due = useUpdateStore((s) => s.waiting !== null || s.takenOver);
  const active = useRunsStore((s) => Object.values(s.runs).filter((r) => r !== undefined && isActive(r)).length);
  const [asking, setAsking] = useState(false);
  if (!due) return null;
  const { label, question } = reloadPrompt(active);
  return (
    <div role="status" className="notice update-notice">
      A new version is available.{' '}
      {asking && question ? (
        <>
          {question}{' '}
          <button type="button" onClick={applyUpdate}>Reload anyway</button>{' '}
          <button type="button" onClick={() => setAsking(false)}>Not now</button>
        </>
      ) : (
        <>
          <button type="button" onClick={() => (question ? setAsking(true) : applyUpdate())}>{label}</button>
        </>
      )}
    </div>
  );
}
