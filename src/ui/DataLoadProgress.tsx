// The selected dataset's loading progress (a real <progress>) and, on failure, an alert with a retry button.
import { datasetInfo } from '../data/datasets';
import { useConfigStore } from '../store/configStore';
import { ensureDataset, IDLE_IMPORT, useDataImportStore, type DataOrigin } from '../store/dataset';
import { useRunsStore } from '../store/runsStore';

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

const ORIGIN_NOTE: Partial<Record<DataOrigin, string>> = {
  stored: ' (stored in this browser)',
  session: ' (loaded from your file for this visit)',
};

export function DataLoadProgress() {
  const data = useRunsStore((s) => s.data);
  const selected = useConfigStore((s) => s.dataset);
  const name = data.dataset ?? selected;
  const imp = useDataImportStore((s) => s.byName[name]) ?? IDLE_IMPORT;
  const label = datasetInfo(name).label;
  if (data.state === 'loading') {
    const known = data.totalBytes > 0;
    const opening = imp.looking;
    return (
      <div className="data-load">
        <label htmlFor="data-progress">Loading {label}</label>
        <progress id="data-progress" max={known ? data.totalBytes : undefined} value={known ? data.loadedBytes : undefined} />
        <span className="field-hint">
          {opening ? 'from the copy stored in this browser…' : known ? `${mb(data.loadedBytes)} of ${mb(data.totalBytes)} MB` : 'starting…'}
        </span>
      </div>
    );
  }
  if (data.state === 'error') {
    return (
      <div className="alert data-error" role="alert">
        <strong>{label} could not be loaded.</strong> {data.message}{' '}
        <button type="button" className="small" onClick={() => void ensureDataset(name).catch(() => undefined)}>
          Retry loading {label}
        </button>
      </div>
    );
  }
  if (data.state === 'ready') {
    return (
      <p className="data-ready field-hint">
        {label} ready: {data.nTrain.toLocaleString('en-US')} training and {data.nTest.toLocaleString('en-US')} test images
        {ORIGIN_NOTE[imp.origin] ?? ''}.
      </p>
    );
  }
  if (imp.origin === 'missing') {
    return (
      <p className="data-missing field-hint">
        {label} is not loaded yet: load it with the panel under the Dataset field.
      </p>
    );
  }
  return null;
}
