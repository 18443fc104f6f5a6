// MNIST loading progress (a real <progress>) and, on failure, an alert with a retry button.
import { ensureDataset } from '../store/dataset';
import { useRunsStore } from '../store/runsStore';

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

export function DataLoadProgress() {
  const data = useRunsStore((s) => s.data);
  if (data.state === 'loading') {
    const known = data.totalBytes > 0;
    return (
      <div className="data-load">
        <label htmlFor="data-progress">Loading MNIST</label>
        <progress id="data-progress" max={known ? data.totalBytes : undefined} value={known ? data.loadedBytes : undefined} />
        <span className="field-hint">
          {known ? `${mb(data.loadedBytes)} of ${mb(data.totalBytes)} MB` : 'starting…'}
        </span>
      </div>
    );
  }
  if (data.state === 'error') {
    return (
      <div className="alert data-error" role="alert">
        <strong>MNIST could not be loaded.</strong> {data.message}{' '}
        <button type="button" className="small" onClick={() => void ensureDataset().catch(() => undefined)}>
          Retry loading MNIST
        </button>
      </div>
    );
  }
  if (data.state === 'ready') {
    return (
      <p className="data-ready field-hint">
        MNIST ready: {data.nTrain.toLocaleString('en-US')} training and {data.nTest.toLocaleString('en-US')} test images.
      </p>
    );
  }
  return null;
}
