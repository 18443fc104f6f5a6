// The three charts side by side, for the runs of the latest Start, with one shared legend.
import { useDeferredValue, useEffect, useMemo } from 'react';
import { budgetIterations } from '../store/dataset';
import { useRunsStore } from '../store/runsStore';
import { pruneSeriesCache } from './chartSeries';
import { ChartFigure, type ChartKind, type ChartRun } from './ChartFigure';
import { ChartLegend } from './ChartLegend';
import { optimizerStyle } from './colors';

const CHARTS: readonly { kind: ChartKind; title: string; caption: string }[] = [
  { kind: 'loss', title: 'Loss', caption: 'training loss per iteration (thin lines); validation loss at each evaluation (thick lines, circles)' },
  { kind: 'accuracy', title: 'Accuracy', caption: 'validation accuracy (fraction of the 10,000 test images) at each evaluation (circles)' },
  { kind: 'lr', title: 'Learning rate', caption: 'α after each iteration, linear axis (hypergradient α may go negative)' },
];

export function Charts() {
  // Deferred: mounting the lines of a new batch renders in the background, not in the Start click's task.
  const current = useDeferredValue(useRunsStore((s) => s.current));
  // The workers report the real budget; the x axis spans the largest one.
  const reportedMax = useRunsStore((s) => s.current.reduce((m, id) => Math.max(m, s.runs[id]?.total ?? 0), 1));

  // Labels, configs and budgets of a run never change after Start: read them once per batch.
  const { runs, xMax: budgetMax } = useMemo(() => {
    const all = useRunsStore.getState().runs;
    const list: ChartRun[] = [];
    let max = 1;
    for (const id of current) {
      const r = all[id];
      if (!r) continue;
      list.push({ runId: id, label: r.label, style: optimizerStyle(r.config.optimizer) });
      max = Math.max(max, budgetIterations(r.config));
    }
    return { runs: list, xMax: max };
  }, [current]);

  const xMax = Math.max(budgetMax, reportedMax);

  useEffect(() => {
    pruneSeriesCache(new Set(current));
  }, [current]);

  return (
    <section className="charts-section" aria-labelledby="charts-heading">
      <h2 id="charts-heading">Charts</h2>
      {runs.length === 0 ? (
        <p className="hint">Tick optimizers and press Start; loss, accuracy and learning rate appear here live.</p>
      ) : (
        <ChartLegend runs={runs} />
      )}
      <div className="charts">
        {CHARTS.map((c, i) => (
          <ChartFigure key={c.kind} {...c} runs={runs} xMax={xMax} phaseMs={i * 80} />
        ))}
      </div>
    </section>
  );
}
