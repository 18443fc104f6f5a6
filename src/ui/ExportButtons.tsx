// "Export CSV" (tidy file of every run + a JSON sidecar describing where they came from), "Import CSV",
// and one "Reference CSV <run>" per run.
import { useShallow } from 'zustand/react/shallow';
import { version as appVersion } from '../../package.json';
import type { DeviceInfo } from '../export/sidecar';
import { sidecarFilename, sidecarJson } from '../export/sidecar';
import { referenceCsv, referenceCsvFilename } from '../export/referenceCsv';
import { tidyCsv, tidyCsvFilename } from '../export/tidyCsv';
import { seriesBuffers } from '../series/buffers';
import { requestedBackend } from '../store/backendParam';
import { evalPlanWords, runItersPerEpoch } from '../store/dataset';
import { useViewStore } from '../store/viewStore';
import { currentTableRows } from './RunsTable';
import { allRunRecords, runRecord } from '../store/records';
import { useRunsStore, type RunMeta } from '../store/runsStore';
import { deviceInfo } from './deviceInfo';
import { downloadText } from './download';
import { ImportCsvButton } from './ImportCsvButton';

// Device facts are gathered when the pointer or focus reaches the button (a WebGL context and a
// WebGPU adapter request take a moment), so the click itself can download both files at once.
let device: DeviceInfo | null = null;
const prefetchDevice = () => {
  if (!device) void deviceInfo().then((d) => (device = d));
};

function download(d: DeviceInfo): void {
  const exportedAt = new Date();
  const csvFile = tidyCsvFilename(exportedAt);
  const s = useRunsStore.getState();
  const metas = s.order.map((id) => s.runs[id]).filter((r): r is RunMeta => !!r);
  downloadText(tidyCsv(allRunRecords()), csvFile);
  const json = sidecarJson({
    appVersion,
    exportedAt,
    csvFile,
    userAgent: navigator.userAgent,
    requestedBackend: requestedBackend().backend,
    device: d,
    runs: metas.map((r) => ({
      runId: r.runId,
      label: r.label,
      batch: r.batch,
      state: r.state,
      backend: r.backend,
      ...(r.threads !== undefined ? { threads: r.threads } : {}),
      ...(r.isolated !== undefined ? { crossOriginIsolated: r.isolated } : {}),
      ...(r.ownKernels !== undefined ? { ownKernels: r.ownKernels } : {}),
      iteration: r.iteration,
      total: r.total,
      ...(r.divergedAt !== undefined ? { divergedAt: r.divergedAt } : {}),
      ...(r.message !== undefined ? { message: r.message } : {}),
      trainPoints: seriesBuffers.length(r.runId),
      evaluations: seriesBuffers.evalCount(r.runId),
      validation: evalPlanWords(r.config),
      ...gradEvalFields(r.runId),
      config: r.config,
    })),
    runsTable: {
      note:
        "The page's runs table: the runs of the charts (seed groups as mean, sample std and count across seeds unless 'Show each seed'); " +
        'delta* = run − its baseline (same seed and settings) at the latest evaluation both have (deltaAt); accuracy as a fraction.',
      smoothing: useViewStore.getState().smoothing,
      lossThreshold: useViewStore.getState().lossThreshold,
      rows: currentTableRows(),
    },
  });
  downloadText(json, sidecarFilename(csvFile), 'application/json');
}

function exportAll(): void {
  if (device) download(device);
  else void deviceInfo().then((d) => download((device = d)));
}

function exportReference(runId: string): void {
  const rec = runRecord(runId);
  if (!rec) return;
  downloadText(referenceCsv(rec, runItersPerEpoch(rec.config)), referenceCsvFilename(rec));
}

/**
 * Second-order runs: gradient evaluations spent so far and ESGD-M's preconditioner snapshots; a learned
 * schedule's controller decisions.
 */
function gradEvalFields(runId: string): { gradEvals?: number; curvatureRecords?: number; controllerRecords?: number } {
  const gradEvals = seriesBuffers.lastGradEvals(runId);
  const curvatureRecords = seriesBuffers.curvatureCount(runId);
  const controllerRecords = seriesBuffers.controllerCount(runId);
  return {
    ...(gradEvals !== undefined ? { gradEvals } : {}),
    ...(curvatureRecords > 0 ? { curvatureRecords } : {}),
    ...(controllerRecords > 0 ? { controllerRecords } : {}),
  };
}

export function ExportButtons() {
  const runs = useRunsStore(useShallow((s) => s.order.map((id) => s.runs[id]).filter((r): r is RunMeta => !!r)));
  const busy = (r: RunMeta) => r.state === 'loading';
  return (
    <section className="export-section" aria-labelledby="export-heading">
      <h2 id="export-heading">Export and import</h2>
      <div className="export-row">
        <button
          type="button"
          onClick={exportAll}
          onPointerEnter={prefetchDevice}
          onFocus={prefetchDevice}
          disabled={runs.length === 0}
          aria-describedby="export-hint"
        >
          Export CSV
        </button>
        <span id="export-hint" className="field-hint">
          every run in one tidy file ({runs.length} run{runs.length === 1 ? '' : 's'}), plus a .json file
          with the app version, backends, device and every run&apos;s settings
        </span>
      </div>
      <ImportCsvButton />
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
