// "Export CSV" (tidy file, every run of the session) and one "Reference CSV <run>" per run.
import { useShallow } from 'zustand/react/shallow';
import { referenceCsv, referenceCsvFilename } from '../export/referenceCsv';
import { tidyCsv, tidyCsvFilename } from '../export/tidyCsv';
import { runItersPerEpoch } from '../store/dataset';
import { allRunRecords, runRecord } from '../store/records';
import { useRunsStore, type RunMeta } from '../store/runsStore';
import { downloadText } from './download';

function exportAll(): void {
  downloadText(tidyCsv(allRunRecords()), tidyCsvFilename(new Date()));
}

function exportReference(runId: string): void {
  const rec = runRecord(runId);
  if (!rec) return;
  downloadText(referenceCsv(rec, runItersPerEpoch(rec.config)), referenceCsvFilename(rec));
}

export function ExportButtons() {
  const runs = useRunsStore(useShallow((s) => s.order.map((id) => s.runs[id]).filter((r): r is RunMeta => !!r)));
  const busy = (r: RunMeta) => r.state === 'loading';
  return (
    <section className="export-section" aria-labelledby="export-heading">
      <h2 id="export-heading">Export</h2>
      <div className="export-row">
        <button type="button" onClick={exportAll} disabled={runs.length === 0} aria-describedby="export-hint">
          Export CSV
        </button>
        <span id="export-hint" className="field-hint">
          every run of this session in one tidy file ({runs.length} run{runs.length === 1 ? '' : 's'})
        </span>
      </div>
      {runs.length > 0 && (
        <ul className="ref-list" aria-label="Reference CSV per run">
          {runs.map((r) => (
            <li key={r.runId}>
              <button
                type="button"
                className="small"
                disabled={busy(r)}
                onClick={() => exportReference(r.runId)}
                aria-label={`Reference CSV ${r.label}`}
              >
                Reference CSV <span className="ref-name">{r.label}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
