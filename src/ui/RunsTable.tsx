// "Who won?": the runs of the charts side by side in a real table — final and best numbers, α's range,
// speed, and each variant's and HD run's difference to its baseline (same seed and settings), coloured
// by sign with the verdict in words too. Seed groups as mean ± std, as the charts draw them. Sortable
// by any column (the header buttons; Enter or Space on a focused one); Copy table gives TSV.
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { optimizerInfo } from '../optim/catalog';
import { shownName } from '../series/optimizerNames';
import { backendWithThreads } from '../sched/threads';
import { seriesBuffers } from '../series/buffers';
import {
  buildRunsTable,
  cellText,
  compareRows,
  deltaVerdict,
  isNumericColumn,
  TABLE_COLUMNS,
  tableToTsv,
  type ColumnKey,
  type TableRow,
  type TableRunInput,
} from '../series/runsTable';
import { useRunsStore, type RunMeta } from '../store/runsStore';
import { useViewStore } from '../store/viewStore';
import { writeClipboard } from './clipboard';
import { useSeriesRefresh } from './useSeriesRefresh';

/** The table's inputs from the run metadata and the series buffers (views: used at once, not kept). */
export function tableInputs(metas: readonly (RunMeta | undefined)[]): TableRunInput[] {
  const out: TableRunInput[] = [];
  for (const m of metas) {
    if (!m) continue;
    const v = seriesBuffers.view(m.runId);
    out.push({
      runId: m.runId,
      label: m.label,
      config: m.config,
      state: m.state,
      // "wasm, 2 threads": the thread count next to the backend (src/sched/threads.ts).
      backend: backendWithThreads(m.backend, m.threads),
      iteration: v?.iteration ?? [],
      loss: v?.loss ?? [],
      lr: v?.lr ?? [],
      time: v?.time ?? [],
      evals: v?.evals ?? [],
    });
  }
  return out;
}

/**
 * Optimizers whose lr column is a step size they set, not an adapted α (catalog `stepSize`); not the learned
 * schedule, whose α is the one its controller set.
 */
function showsStepSize(name: string): boolean {
  try {
    const info = optimizerInfo(name);
    return info.stepSize !== undefined && info.group !== 'learned';
  } catch {
    return false; // an imported run of an optimizer this build does not know
  }
}

/** The rows the page shows now, unsorted (also what the export's sidecar records). */
export function currentTableRows(): TableRow[] {
  const s = useRunsStore.getState();
  const view = useViewStore.getState();
  return buildRunsTable(tableInputs(s.current.map((id) => s.runs[id])), {
    smoothing: view.smoothing,
    threshold: view.lossThreshold,
    groupSeeds: !view.showSeeds,
  });
}

function parseThreshold(text: string): { value: number | null; error: string | null } {
  const t = text.trim();
  if (t === '') return { value: null, error: null };
  const v = Number(t);
  if (!Number.isFinite(v) || v <= 0) return { value: null, error: `"${t}" is not a positive number: the column stays empty` };
  return { value: v, error: null };
}

export function RunsTable() {
  const id = useId();
  const current = useRunsStore((s) => s.current);
  // States, labels and iterations change the rows; compared element by element.
  const metas = useRunsStore(useShallow((s) => current.map((runId) => s.runs[runId])));
  const { smoothing, showSeeds, setLossThreshold } = useViewStore(
    useShallow((s) => ({ smoothing: s.smoothing, showSeeds: s.showSeeds, setLossThreshold: s.setLossThreshold })),
  );
  const { tick, committed } = useSeriesRefresh(1000, 240, 'runs table');
  useEffect(committed, [tick, committed]);
  const [thresholdText, setThresholdText] = useState('');
  const threshold = parseThreshold(thresholdText);
  // The store holds the value in use (the export's sidecar reads it); the text stays here while typed.
  useEffect(() => setLossThreshold(threshold.value), [threshold.value, setLossThreshold]);
  const [sort, setSort] = useState<{ key: ColumnKey; descending: boolean } | null>(null);
  const [copied, setCopied] = useState('');
  const [manual, setManual] = useState<string | null>(null);
  const manualRef = useRef<HTMLTextAreaElement>(null);

  const rows = useMemo(
    () => buildRunsTable(tableInputs(metas), { smoothing, threshold: threshold.value, groupSeeds: !showSeeds }),
    [metas, smoothing, showSeeds, threshold.value, tick], // eslint-disable-line react-hooks/exhaustive-deps
  );
  const sorted = useMemo(() => (sort ? [...rows].sort((a, b) => compareRows(a, b, sort.key, sort.descending)) : rows), [rows, sort]);
  if (rows.length === 0) return null;

  // First press ascending (smallest loss first), the next descending.
  const toggleSort = (key: ColumnKey) => setSort((s) => (s?.key === key ? { key, descending: !s.descending } : { key, descending: false }));

  const copy = async () => {
    const tsv = tableToTsv(sorted);
    if (await writeClipboard(tsv)) {
      setManual(null);
      setCopied(copied === 'Table copied' ? 'Table copied again' : 'Table copied');
    } else {
      setManual(tsv);
      setCopied('The browser did not allow copying: the table is selected below, press Ctrl+C (⌘C) to copy it');
      requestAnimationFrame(() => manualRef.current?.select());
    }
  };

  const grouped = rows.some((r) => r.seeds.length > 1);
  const ownStep = [...new Set(rows.map((r) => r.optimizer).filter(showsStepSize))].map(shownName);
  const stepSizeNote = ownStep.length > 0 ? `${ownStep.join(' and ')}: the α columns hold the run's step size (it adapts no α).` : null;
  return (
    <section className="runs-table-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Runs table</h2>
      <div className="runs-table-tools">
        <button type="button" className="small" onClick={() => void copy()}>
          Copy table
        </button>
        <span className="field-hint" aria-live="polite" aria-atomic="true">
          {copied}
        </span>
        <label htmlFor={`${id}-threshold`}>Loss threshold</label>
        <input
          id={`${id}-threshold`}
          type="text"
          inputMode="decimal"
          className="threshold-input"
          placeholder="none"
          value={thresholdText}
          aria-invalid={threshold.error ? true : undefined}
          aria-describedby={`${id}-threshold-hint`}
          onChange={(e) => setThresholdText(e.target.value)}
        />
        <span id={`${id}-threshold-hint`} className={threshold.error ? 'field-error' : 'field-hint'}>
          {threshold.error ?? 'fills "Iterations to threshold": the first iteration whose minibatch loss is below it'}
        </span>
      </div>
      {/* Scrolls sideways on narrow screens; its header buttons make it reachable by keyboard. */}
      <div className="runs-table-scroll">
        <table className="runs-table">
          <caption className="visually-hidden">
            Runs of the charts{grouped ? ', seed groups as mean ± standard deviation across seeds' : ''}; Δ columns compare each
            variant and HD run with its baseline (same seed and settings) at the latest evaluation both have. Column headers sort.
            {stepSizeNote && ` ${stepSizeNote}`}
          </caption>
          <thead>
            <tr>
              {TABLE_COLUMNS.map((c) => {
                const active = sort?.key === c.key;
                return (
                  <th key={c.key} scope="col" aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
                    <button type="button" className="sort-button" onClick={() => toggleSort(c.key)}>
                      {c.header}
                      <span aria-hidden="true" className="sort-mark">
                        {active ? (sort.descending ? ' ▼' : ' ▲') : ''}
                      </span>
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {sorted.map((r) => (
              <tr key={r.key}>
                {TABLE_COLUMNS.map((c) => {
                  const text = cellText(r, c.key);
                  if (c.key === 'label') {
                    return (
                      <th key={c.key} scope="row">
                        {text}
                      </th>
                    );
                  }
                  const verdict = c.key === 'deltaValLoss' || c.key === 'deltaValAccuracy' ? deltaVerdict(c.key, r.values[c.key]) : null;
                  return (
                    <td key={c.key} className={verdict ? `delta-${verdict}` : isNumericColumn(c.key) ? 'num' : undefined}>
                      {text}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {stepSizeNote && (
        <p className="field-hint runs-table-note" aria-hidden="true">
          {stepSizeNote}
        </p>
      )}
      {manual !== null && (
        <>
          <label htmlFor={`${id}-tsv`} className="visually-hidden">
            The runs table as tab-separated text
          </label>
          <textarea id={`${id}-tsv`} ref={manualRef} readOnly rows={Math.min(8, rows.length + 1)} value={manual} onFocus={(e) => e.currentTarget.select()} />
        </>
      )}
    </section>
  );
}
