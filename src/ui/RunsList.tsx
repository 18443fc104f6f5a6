// Every run kept in this browser (this page load's, restored ones, imported ones): show or hide each in
// the charts, rename it inline (Enter saves, Escape cancels), delete it (with Undo). Also says whether
// storage has caught up, and starts persistence (restore, then saving) when first shown.
import { useEffect, useId, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { startPersistence, usePersistStore, type PersistState } from '../store/pagePersistence';
import { isActive, useRunsStore } from '../store/runsStore';

const PERSIST_TEXT: Record<PersistState, string> = {
  starting: 'Reading the runs stored in this browser…',
  pending: 'Saving…',
  saving: 'Saving…',
  saved: 'All runs are saved in this browser.',
  off: 'Runs are not saved in this browser (see the alert above).',
};

function RenameField({ runId, label, onDone }: { runId: string; label: string; onDone: () => void }) {
  const [text, setText] = useState(label);
  const ref = useRef<HTMLInputElement>(null);
  const finished = useRef(false);
  useEffect(() => {
    ref.current?.focus();
    ref.current?.select();
  }, []);
  const finish = (save: boolean) => {
    if (finished.current) return;
    finished.current = true;
    const name = text.trim();
    if (save && name !== '') useRunsStore.getState().renameRun(runId, name);
    onDone();
  };
  return (
    <input
      ref={ref}
      type="text"
      className="run-rename"
      value={text}
      aria-label={`New name for ${label}`}
      aria-describedby="rename-help"
      onChange={(e) => setText(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          finish(true);
        } else if (e.key === 'Escape') {
          e.preventDefault();
          finish(false);
        }
      }}
      onBlur={() => finish(true)}
    />
  );
}

function RunRow({ runId }: { runId: string }) {
  const run = useRunsStore(
    useShallow((s) => {
      const r = s.runs[runId];
      return r ? { label: r.label, state: r.state, message: r.state === 'error' ? r.message : undefined, active: isActive(r), shown: s.current.includes(runId) } : null;
    }),
  );
  const [editing, setEditing] = useState(false);
  const renameButton = useRef<HTMLButtonElement>(null);
  const boxId = useId();
  if (!run) return null;
  const store = useRunsStore.getState();
  return (
    <li className={`runs-list-item state-${run.state}`} style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
      <input
        id={boxId}
        type="checkbox"
        checked={run.shown}
        onChange={(e) => store.setShown(runId, e.currentTarget.checked)}
        aria-label={`Show ${run.label} in the charts`}
      />
      {editing ? (
        <RenameField
          runId={runId}
          label={run.label}
          onDone={() => {
            setEditing(false);
            // Back to the button that opened the field, so keyboard users keep their place.
            setTimeout(() => renameButton.current?.focus(), 0);
          }}
        />
      ) : (
        <label htmlFor={boxId} className="run-name">
          {run.label}
        </label>
      )}
      <span className="field-hint">{run.message ? `${run.state}: ${run.message}` : run.state}</span>
      {!editing && (
        <button ref={renameButton} type="button" className="small" onClick={() => setEditing(true)} aria-label={`Rename ${run.label}`}>
          Rename
        </button>
      )}
      <button
        type="button"
        className="small"
        disabled={run.active}
        title={run.active ? 'Stop the run before deleting it' : undefined}
        onClick={() => store.deleteRun(runId)}
        aria-label={`Delete ${run.label}`}
      >
        Delete
      </button>
    </li>
  );
}

/** Runs beyond which the list starts folded. */
const FOLD_AFTER = 8;

export function RunsList() {
  useEffect(() => startPersistence(), []);
  const order = useRunsStore((s) => s.order);
  const deleted = useRunsStore((s) => s.lastDeleted?.meta.label ?? null);
  const persist = usePersistStore((s) => s.state);
  // Folded when long, until the person opens or closes it themselves.
  const [chosen, setChosen] = useState<boolean | null>(null);
  const unfolded = chosen ?? order.length <= FOLD_AFTER;
  return (
    <div className="runs-list">
      <h3 id="runs-list-heading">All runs ({order.length})</h3>
      <p className="field-hint" data-persist={persist}>
        {PERSIST_TEXT[persist]}
      </p>
      <p id="rename-help" className="visually-hidden">
        Enter saves the new name, Escape cancels.
      </p>
      {order.length > 0 && (
        // A long list folds away (the charts stay near the top); the person's choice then stands.
        <details
          className="runs-list-fold"
          open={unfolded}
          onToggle={(e) => {
            if (e.currentTarget.open !== unfolded) setChosen(e.currentTarget.open);
          }}
        >
          <summary>{unfolded ? 'Hide the list' : `Show all ${order.length} runs`}</summary>
          <ul aria-labelledby="runs-list-heading" className="runs-list-items">
            {order.map((id) => (
              <RunRow key={id} runId={id} />
            ))}
          </ul>
        </details>
      )}
      <p aria-live="polite" className="field-hint">
        {deleted !== null && (
          <>
            Deleted {deleted}.{' '}
            <button type="button" className="small" onClick={() => useRunsStore.getState().undoDelete()}>
              Undo
            </button>
          </>
        )}
      </p>
    </div>
  );
}
