// Errors (worker crashes, failed runs) in an alert region; each can be dismissed.
import { useRunsStore } from '../store/runsStore';

export function Alerts() {
  const errors = useRunsStore((s) => s.errors);
  const dismiss = useRunsStore((s) => s.dismissError);
  if (errors.length === 0) return null;
  return (
    <div className="alert" role="alert">
      <ul>
        {errors.map((e, i) => (
          <li key={`${i}-${e}`}>
            {e}{' '}
            <button type="button" className="small" onClick={() => dismiss(i)} aria-label={`Dismiss: ${e}`}>
              Dismiss
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
