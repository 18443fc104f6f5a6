// "Import CSV": loads tidy CSVs (the page's own export, or the command line's {optimizer}.tidy.csv)
// as runs next to the page's own, shown in the charts and saved like any run. A file that cannot be
// read gets an alert naming the file, line and column; the other files and every run stay.
import { useRef, useState } from 'react';
import { CsvImportError, importTidyCsv } from '../export/importCsv';
import { useRunsStore } from '../store/runsStore';

/** The alert text for a file that could not be imported. */
export function importErrorMessage(fileName: string, err: unknown): string {
  // Not starting with the button's name: the alert's Dismiss button is labelled with this text.
  if (err instanceof CsvImportError) return `Could not import ${fileName}: ${err.message}. Nothing was imported from this file.`;
  return `Could not read ${fileName} (${err instanceof Error ? err.message : String(err)}). Nothing was imported from this file.`;
}

async function importFiles(files: readonly File[]): Promise<string> {
  const done: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await file.text();
    } catch (err) {
      useRunsStore.getState().addError(importErrorMessage(file.name, err));
      continue;
    }
    try {
      const { runs } = importTidyCsv(text);
      const ids = useRunsStore.getState().importRuns(runs);
      done.push(`${ids.length} run${ids.length === 1 ? '' : 's'} from ${file.name}`);
    } catch (err) {
      useRunsStore.getState().addError(importErrorMessage(file.name, err));
    }
  }
  return done.length === 0 ? '' : `Imported ${done.join(', ')}.`;
}

export function ImportCsvButton() {
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState('');
  return (
    <div className="export-row">
      <button type="button" onClick={() => input.current?.click()} disabled={busy} aria-describedby="import-hint">
        Import CSV
      </button>
      <input
        ref={input}
        type="file"
        accept=".csv,text/csv"
        multiple
        hidden
        aria-label="CSV files to import"
        onChange={(e) => {
          const files = Array.from(e.currentTarget.files ?? []);
          e.currentTarget.value = ''; // the same file can be chosen again
          if (files.length === 0) return;
          setBusy(true);
          setResult('');
          void importFiles(files).then((msg) => {
            setResult(msg);
            setBusy(false);
          });
        }}
      />
      <span id="import-hint" className="field-hint" aria-live="polite">
        {busy ? 'Reading…' : result || 'tidy CSVs from Export CSV or the command line (…tidy.csv), shown next to your runs'}
      </span>
    </div>
  );
}
