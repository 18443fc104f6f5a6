// The three charts side by side, for the runs of the latest Start, with the chart controls and one
// shared legend.
import { useDeferredValue, useEffect, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { budgetIterations, evalPlanWords } from '../store/dataset';
import { useRunsStore } from '../store/runsStore';
import { useViewStore } from '../store/viewStore';
import { ChartControls } from './chart/ChartControls';
import { useCrosshairStore } from './chart/crosshairStore';
import { useThemeStore } from './chart/theme';
import { chartEntities, diffEntities, familiesOf, hpCaption, pruneSeriesCache, xEnd, type ChartRun } from './chartSeries';
import type { HpChoice } from '../store/viewStore';
import { ChartFigure, type ChartKind } from './ChartFigure';
import { ChartLegend } from './ChartLegend';
import { optimizerStyle } from './colors';
import { niceDomain } from './niceDomain';
import { capitalise } from '../format/words';
import { OPTIMIZERS, optimizerLabel } from '../optim/catalog';
import { useSeriesRefresh } from './useSeriesRefresh';

const CHARTS: readonly { kind: ChartKind; title: string }[] = [
  { kind: 'loss', title: 'Loss' },
  { kind: 'accuracy', title: 'Accuracy' },
  { kind: 'lr', title: 'Learning rate' },
];

/** What the learning-rate chart shows for runs whose lr column is a step size they set (catalog `stepSize`). */
export function stepSizeWords(optimizers: readonly string[]): string {
  const shown = OPTIMIZERS.filter((o) => o.stepSize !== undefined && optimizers.includes(o.name));
  const words = shown.filter((o) => o.group !== 'learned').map((o) => `${optimizerLabel(o.name)}: ${o.stepSize}`);
  const learned = shown.filter((o) => o.group === 'learned').map((o) => `${optimizerLabel(o.name)} shows ${o.stepSize}, unsmoothed`);
  const own = words.length > 0 ? `. Second-order and learning-rate-free runs show their step size, not an adapted α (${words.join('; ')})` : '';
  return own + (learned.length > 0 ? `. ${learned.join('; ')}` : '');
}

function captionOf(kind: ChartKind, v: { smoothing: number; diff: boolean; logY: boolean; lrScale: string; hp: HpChoice }, validation: string, stepSizes = '', hpWords = ''): string {
  if (kind === 'loss') {
    if (v.diff) return `variant − its baseline, training loss${v.smoothing > 0 ? ' (each smoothed first)' : ''}; below 0: the variant is ahead`;
    const smooth = v.smoothing > 0 ? `, smoothed (debiased EMA ${v.smoothing}) with the raw values faint behind` : '';
    return `training loss per iteration${smooth} (thin lines); validation loss at each evaluation (thick lines, circles)${v.logY ? '; log axis' : ''}${validation}`;
  }
  if (kind === 'accuracy') return `validation accuracy (fraction of the test images) at each evaluation (circles)${validation}`;
  if (v.hp !== 'alpha') return `${hpWords}${hpWords.endsWith('.') ? '' : `; ${v.lrScale === 'symlog' ? 'symmetric-log' : 'linear'} axis`}`;
  return (v.lrScale === 'symlog'
    ? 'α after each iteration, symmetric-log axis (decades either side of 0: hypergradient α may go negative)'
    : 'α after each iteration, linear axis (hypergradient α may go negative)') + stepSizes;
}

export function Charts() {
  // Deferred: mounting the lines of a new batch renders in the background, not in the Start click's task.
  const current = useDeferredValue(useRunsStore((s) => s.current));
  // The workers report the real budget; the x axis spans the largest one.
  const reportedMax = useRunsStore((s) => s.current.reduce((m, id) => Math.max(m, s.runs[id]?.total ?? 0), 1));
  const theme = useThemeStore((s) => s.theme);
  const view = useViewStore(
    useShallow((s) => ({ family: s.family, showSeeds: s.showSeeds, diff: s.diffFromBaseline, xAxis: s.xAxis, smoothing: s.smoothing, logY: s.logY, lrScale: s.lrScale, hp: s.hp })),
  );
  // Only the time axis grows on its own; a slow tick is enough (the end is rounded to a nice step).
  const { tick, committed } = useSeriesRefresh(1000, 0, 'x range');
  useEffect(committed, [tick, committed]);

  // Configs and budgets of a run never change after Start: read them once per batch; labels change on
  // a rename, so they are subscribed to (compared element by element).
  const labels = useRunsStore(useShallow((s) => current.map((id) => s.runs[id]?.label)));
  const runs = useMemo(() => {
    const all = useRunsStore.getState().runs;
    const list: (ChartRun & { budget: number })[] = [];
    for (const id of current) {
      const r = all[id];
      if (!r) continue;
      list.push({ runId: id, label: r.label, style: optimizerStyle(r.config.optimizer, theme), config: r.config, budget: budgetIterations(r.config) });
    }
    return list;
  }, [current, theme, labels]); // eslint-disable-line react-hooks/exhaustive-deps

  const entities = useMemo(() => chartEntities(runs, { family: view.family, showSeeds: view.showSeeds }), [runs, view.family, view.showSeeds]);
  const diff = useMemo(() => (view.diff ? diffEntities(runs, view.family) : null), [runs, view.diff, view.family]);
  const families = useMemo(() => familiesOf(runs), [runs]);
  const shownRuns = useMemo(() => {
    const ids = new Set(entities.flatMap((e) => e.runIds));
    return runs.filter((r) => ids.has(r.runId));
  }, [runs, entities]);

  // Which test images the validation points use (a subset between epoch ends by default): one sentence
  // when every run shares it.
  const validation = useMemo(() => {
    const words = new Set(shownRuns.map((r) => evalPlanWords(r.config)));
    if (words.size === 0) return '';
    return words.size === 1 ? `. ${capitalise([...words][0])}` : '. Validation differs between these runs (Eval interval or dataset)';
  }, [shownRuns]);

  const stepSizes = useMemo(() => stepSizeWords(shownRuns.map((r) => r.config.optimizer)), [shownRuns]);
  // Which runs have the chosen hyperparameter: a run's column appears with its first points (tick).
  const hpWords = useMemo(() => (view.hp === 'alpha' ? '' : hpCaption(view.hp, shownRuns)), [view.hp, shownRuns, view.hp === 'alpha' ? 0 : tick]); // eslint-disable-line react-hooks/exhaustive-deps

  const budgets = useMemo(() => runs.map((r) => ({ ...r, budget: Math.max(r.budget, reportedMax) })), [runs, reportedMax]);
  // Time grows on its own; a second-order run's gradient evaluations are estimated from its rate so far.
  const growing = view.xAxis === 'time' || view.xAxis === 'gradEvals';
  const end = useMemo(() => xEnd(budgets, view.xAxis), [budgets, view.xAxis, growing ? tick : 0]);
  const xHi = growing ? (niceDomain(0, end, true)?.[1] ?? 1) : Math.max(end, 1e-9);
  const xFull = useMemo((): [number, number] => [0, xHi], [xHi]);

  // A crosshair x in iterations means nothing in seconds.
  useEffect(() => useCrosshairStore.getState().setX(null), [view.xAxis]);

  useEffect(() => {
    pruneSeriesCache(new Set([...entities, ...(diff?.entities ?? [])].map((e) => e.key)));
  }, [entities, diff]);

  return (
    <section id="charts" tabIndex={-1} className="charts-section" aria-labelledby="charts-heading">
      <h2 id="charts-heading">Charts</h2>
      <ChartControls families={families} xFull={xFull} />
      {runs.length === 0 ? (
        <p className="hint">Tick optimizers and press Start; loss, accuracy and learning rate appear here live.</p>
      ) : (
        <ChartLegend entities={entities} diff={diff} smoothing={view.smoothing} />
      )}
      <div className="charts">
        {CHARTS.map((c, i) => (
          <ChartFigure
            key={c.kind}
            kind={c.kind}
            title={c.title}
            caption={captionOf(c.kind, view, validation, stepSizes, hpWords)}
            entities={c.kind === 'loss' && diff ? diff.entities : entities}
            runs={shownRuns}
            xFull={xFull}
            diff={c.kind === 'loss' && diff !== null}
            phaseMs={i * 80}
          />
        ))}
      </div>
    </section>
  );
}
