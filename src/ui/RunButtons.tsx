// Start, Pause/Resume (one toggle), Stop.
import { useValidation } from '../store/configStore';
import { stopAll, togglePause } from '../store/runner';
import { selectAnyActive, useRunsStore } from '../store/runsStore';
import { LiveEdit } from './LiveEdit';

export function RunButtons() {
  const valid = useValidation().ok;
  const active = useRunsStore(selectAnyActive);
  const paused = useRunsStore((s) => s.paused);
  return (
    <div className="run-buttons">
      <button type="submit" className="primary" disabled={!valid || active} aria-describedby="start-hint">
        Start
      </button>
      <button type="button" disabled={!active} onClick={togglePause}>
        {paused ? 'Resume' : 'Pause'}
      </button>
      <button type="button" disabled={!active} onClick={stopAll}>
        Stop
      </button>
      {active && <LiveEdit />}
      <p id="start-hint" className={`start-hint${valid ? '' : ' invalid'}`}>
        {!valid ? 'Fix the highlighted fields to start.' : active ? 'Training… Pause or Stop all runs.' : ''}
      </p>
    </div>
  );
}
