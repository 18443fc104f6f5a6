// The import panel under the Dataset field, for datasets the page can load from the user's files
// (CIFAR-10 always; Fashion-MNIST where the site does not host it): a file input, a drop zone,
// for CIFAR-10 a URL field, a progress bar while the worker reads / decodes / stores, an alert when
// that fails (the data in use stays in use), and a button to forget the stored copy.
import { useId, useState, type DragEvent, type KeyboardEvent } from 'react';
import { datasetInfo } from '../data/datasets';
import type { ImportSource } from '../data/importJob';
import { useConfigStore } from '../store/configStore';
import {
  dismissImportError,
  forgetStoredDataset,
  IDLE_IMPORT,
  importDatasetFrom,
  phaseWords,
  useDataImportStore,
} from '../store/dataset';

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** The accessible name of the file input: "Load CIFAR-10", "Load Fashion-MNIST files". */
export function importInputLabel(label: string, multiple: boolean): string {
  return multiple ? `Load ${label} files` : `Load ${label}`;
}

export function DataImport() {
  const name = useConfigStore((s) => s.dataset);
  const st = useDataImportStore((s) => s.byName[name]) ?? IDLE_IMPORT;
  const [url, setUrl] = useState('');
  const [dragging, setDragging] = useState(false);
  const id = useId();
  const info = datasetInfo(name);
  if (!info.fileImport) return null;
  // Fashion-MNIST gets the panel only when the site does not serve it.
  if (info.fileImport === 'idx-gz' && (st.origin === 'hosted' || st.origin === 'unknown')) return null;

  const cifar = info.fileImport === 'cifar10-tar';
  const multiple = !cifar;
  const label = info.label;
  const busy = st.busy !== null;
  const start = (source: ImportSource) => void importDatasetFrom(name, source);
  const fromFiles = (list: FileList | null) => {
    const files = Array.from(list ?? []);
    if (files.length === 0) return;
    if (files.length === 1) start({ kind: 'file', name: files[0].name, file: files[0] });
    else start({ kind: 'files', files: files.map((f) => ({ name: f.name, file: f })) });
  };
  const fromUrl = () => {
    const text = url.trim();
    if (!text) {
      useDataImportStore.getState().patch(name, { error: `Enter the address of ${info.fileHint} first.` });
      return;
    }
    let resolved: string;
    try {
      resolved = new URL(text, window.location.href).href;
    } catch {
      useDataImportStore.getState().patch(name, { error: `"${text}" is not a valid URL.` });
      return;
    }
    start({ kind: 'url', url: resolved });
  };
  const onUrlKey = (e: KeyboardEvent<HTMLInputElement>) => {
    // Enter would submit the training form (Start): load instead.
    if (e.key === 'Enter') {
      e.preventDefault();
      fromUrl();
    }
  };
  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setDragging(false);
    // Even while busy: importDatasetFrom then says why it cannot take the files now (nothing is dropped silently).
    fromFiles(e.dataTransfer.files);
  };

  let statusText: string;
  switch (st.origin) {
    case 'hosted':
      statusText = `${label} is served by this site. You can still load your own copy.`;
      break;
    case 'stored':
      statusText = `${label} is stored in this browser${st.stored ? ` (from ${st.stored.source}, ${mb(st.stored.bytes)})` : ''}: a reload does not ask again.`;
      break;
    case 'session':
      statusText = `${label} is loaded for this visit only (not stored in this browser).`;
      break;
    case 'missing':
      statusText = `${label} is not on this site and not stored in this browser yet: load it here once and the browser keeps it.`;
      break;
    default:
      statusText = st.looking ? `Looking for a copy of ${label} stored in this browser…` : `Looking for ${label}…`;
  }
  const hint = cifar
    ? `Choose or drop ${info.fileHint}, the binary version (about 170 MB) from https://www.cs.toronto.edu/~kriz/cifar.html. It is decoded in a background thread and stored in this browser (about 184 MB).`
    : `Choose or drop all four files at once: ${info.fileHint}. They are decoded in a background thread and stored in this browser.`;
  const busyTotal = st.busy && st.busy.total > 0 ? st.busy.total : undefined;
  const busyText = st.busy
    ? `${phaseWords(st.busy.phase)} ${st.busy.what}${
        busyTotal === undefined
          ? st.busy.done > 0 ? `: ${mb(st.busy.done)}` : '…'
          : st.busy.phase === 'decoding'
            ? `: ${Math.round((100 * st.busy.done) / busyTotal)}%`
            : `: ${mb(st.busy.done)} of ${mb(busyTotal)}`
      }`
    : '';

  // Controls disabled while the worker is busy say so: their descriptions include this line.
  const busyNote = st.busy ? `Busy: ${phaseWords(st.busy.phase).toLowerCase()} ${st.busy.what}. Wait for it to finish.` : '';
  const describedBy = (own: string) => (busy ? `${own} ${id}-busy` : own);

  return (
    <div className="data-import" role="group" aria-labelledby={`${id}-title`}>
      <p id={`${id}-title`} className="data-import-status">
        {statusText}
      </p>
      <div
        className={`drop-zone${dragging ? ' drop-zone-active' : ''}`}
        role="group"
        aria-label={`Drop zone for ${cifar ? info.fileHint : `the ${label} files`}`}
        onDragEnter={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = busy ? 'none' : 'copy';
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <label htmlFor={`${id}-file`}>{importInputLabel(label, multiple)}</label>
        <input
          id={`${id}-file`}
          type="file"
          accept={cifar ? '.tar.gz,.tgz,application/gzip' : '.gz,application/gzip'}
          multiple={multiple}
          disabled={busy}
          aria-describedby={describedBy(`${id}-hint`)}
          onChange={(e) => {
            fromFiles(e.target.files);
            e.target.value = ''; // choosing the same file again is another try
          }}
        />
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      </div>
      {cifar && (
        <div className="data-import-url">
          <label htmlFor={`${id}-url`}>{label} URL</label>
          <div className="data-import-url-row">
            <input
              id={`${id}-url`}
              type="url"
              inputMode="url"
              placeholder={`https://…/${info.fileHint}`}
              value={url}
              disabled={busy}
              aria-describedby={describedBy(`${id}-url-hint`)}
              onChange={(e) => setUrl(e.target.value)}
              onKeyDown={onUrlKey}
            />
            <button type="button" className="small" disabled={busy} aria-describedby={busy ? `${id}-busy` : undefined} onClick={fromUrl}>
              Load from URL
            </button>
          </div>
          <p id={`${id}-url-hint`} className="field-hint">
            The server must allow this page to read it (CORS).
          </p>
        </div>
      )}
      {busy && (
        // Sighted people see the progress bar (or the button's state); this line is the disabled controls' description.
        <p id={`${id}-busy`} className="visually-hidden">
          {busyNote}
        </p>
      )}
      {st.busy && st.busy.phase !== 'opening' && st.busy.phase !== 'forgetting' && (
        <div className="data-import-progress">
          <progress aria-label={`Importing ${label}`} max={busyTotal} value={busyTotal === undefined ? undefined : st.busy.done} />
          <span className="field-hint" aria-live="polite">
            {busyText}
          </span>
        </div>
      )}
      {st.error && (
        <div className="alert data-import-error" role="alert">
          <strong>{label}:</strong> {st.error}{' '}
          <button type="button" className="small" onClick={() => dismissImportError(name)}>
            Dismiss
          </button>
        </div>
      )}
      {st.stored && (
        <button
          type="button"
          className="small"
          disabled={busy}
          aria-describedby={busy ? `${id}-busy` : undefined}
          onClick={() => void forgetStoredDataset(name)}
        >
          Forget stored {label}
        </button>
      )}
    </div>
  );
}
