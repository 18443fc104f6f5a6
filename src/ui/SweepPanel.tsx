// The α₀ sensitivity view: a grid of short runs in workers, final loss (or iterations to a threshold)
// against α₀ on a log axis, with and without hypergradients. It reads the page's settings (dataset,
// model, batch size, β, μ, weight decay, seed, per-optimizer settings) and says which; only the grid,
// the budget, the metric and the seeds are its own.
import { useMemo, useState } from 'react';
import { datasetInfo } from '../data/datasets';
import { modelInfo } from '../models/catalog';
import { runValue, sweepPoints } from '../series/alphaSweep';
import { modelProblem, useConfigStore } from '../store/configStore';
import { cancelSweep, selectSweepActive, startSweep, useSweepStore, type SweepState } from '../store/sweepRunner';
import { defaultConcurrency } from '../sweep/pool';
import { sweepBaseFrom } from '../sweep/sweepBase';
import { sweepCsv, sweepFileName } from '../sweep/sweepCsv';
import { alphaLabel, SWEEP_FORM_DEFAULTS, validateSweepForm, type SweepFormTexts } from '../sweep/sweepForm';
import { downloadText } from './download';
import { SweepChart } from './sweep/SweepChart';
import { SweepForm } from './sweep/SweepForm';
import { SweepTable } from './sweep/SweepTable';
import { shownName } from '../series/optimizerNames';

const CONCURRENCY = defaultConcurrency(typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : undefined);

/** The page settings the sweep uses, in words. */
function usePageSettings() {
  const dataset = useConfigStore((s) => s.dataset);
  const model = useConfigStore((s) => s.model);
  const width = useConfigStore((s) => s.width);
  const texts = useConfigStore((s) => s.texts);
  const perOptimizer = useConfigStore((s) => s.perOptimizer);
  return useMemo(() => ({ dataset, model, width, texts, perOptimizer }), [dataset, model, width, texts, perOptimizer]);
}

function seconds(s: SweepState): string {
  if (s.startedAt === null) return '';
  const end = s.endedAt ?? performance.now();
  return `${Math.round((end - s.startedAt) / 1000)} s`;
}

function SweepProgress() {
  const s = useSweepStore();
  if (!s.plan) return null;
  const total = s.plan.configs.length;
  const done = s.entries.length;
  const diverged = s.entries.filter((e) => e.state === 'diverged').length;
  const failed = s.entries.filter((e) => e.state === 'error');
  const words = `${done} of ${total} runs`;
  const phaseWords: Record<SweepState['phase'], string> = {
    idle: '',
    preparing: 'loading the data…',
    running: 'running',
    done: `finished in ${seconds(s)}`,
    cancelled: 'cancelled',
    failed: 'failed',
  };
  // Announced only when the sweep starts or ends, not at every run.
  const announce =
    s.phase === 'done' ? `Sweep finished: ${words}${diverged ? `, ${diverged} diverged` : ''}.` :
    s.phase === 'cancelled' ? `Sweep cancelled after ${words}.` :
    s.phase === 'failed' ? `Sweep failed: ${s.message ?? ''}` :
    s.phase === 'preparing' ? `Sweep started: ${total} runs.` : '';
  return (
    <div className="sweep-progress">
      <progress id="sweep-progress" max={total} value={done} aria-label="Sweep progress" aria-valuetext={words} />
      <span className="sweep-progress-text">
        {words} · {phaseWords[s.phase]}
        {diverged > 0 && ` · ${diverged} diverged`}
        {failed.length > 0 && ` · ${failed.length} failed`}
      </span>
      <span className="visually-hidden" aria-live="polite">
        {announce}
      </span>
      {s.phase === 'failed' && s.message && <p className="alert">{s.message}</p>}
      {failed.length > 0 && (
        <ul className="alert sweep-failures" aria-label="Runs that failed">
          {failed.slice(0, 5).map((e) => (
            <li key={e.index}>
              {shownName(e.config.optimizer)} at α₀ {alphaLabel(e.config.alpha0)} (seed {e.config.seed}): {e.message ?? 'failed'}
            </li>
          ))}
          {failed.length > 5 && <li>… and {failed.length - 5} more</li>}
        </ul>
      )}
    </div>
  );
}

function SweepResults() {
  const plan = useSweepStore((s) => s.plan);
  const entries = useSweepStore((s) => s.entries);
  const result = useMemo(
    () => (plan ? sweepPoints({ alphas: plan.spec.alphas, optimizers: plan.spec.optimizers }, entries.map((e) => e.run), plan.spec.metric) : null),
    [plan, entries],
  );
  if (!plan || !result) return null;
  const { spec } = plan;
  const first = plan.configs[0];
  const context = `${datasetInfo(plan.dataset).label}, ${modelInfo(first.model).label}, ${spec.iterations} steps per run, batch ${first.batchSize}`;
  const exportCsv = () => {
    const rows = entries.map((e) => ({
      optimizer: e.config.optimizer,
      alpha0: e.config.alpha0,
      seed: e.config.seed,
      state: e.state,
      value: e.state === 'done' || e.state === 'diverged' ? runValue(e.run, spec.metric).value : null,
    }));
    downloadText(sweepCsv(rows, spec.optimizers, spec.metric.kind), sweepFileName(spec.metric.kind, plan.dataset, first.model));
  };
  return (
    <div className="sweep-results">
      <SweepChart result={result} metric={spec.metric} alphas={spec.alphas} context={context} />
      <SweepTable result={result} metric={spec.metric} />
      <div className="export-row">
        <button type="button" onClick={exportCsv} disabled={entries.length === 0}>
          Download sweep CSV
        </button>
        <span className="field-hint">one row per run (every seed): optimizer, alpha0, seed, metric, value, state</span>
      </div>
    </div>
  );
}

export function SweepPanel() {
  const [texts, setTexts] = useState<SweepFormTexts>(SWEEP_FORM_DEFAULTS);
  const validation = useMemo(() => validateSweepForm(texts), [texts]);
  const page = usePageSettings();
  const active = useSweepStore(selectSweepActive);
  // Keyed by the names (not the array, new at every validation), so the page settings are re-checked only when they change.
  const optKey = (validation.spec?.optimizers ?? []).join(',');
  const seedCount = validation.spec?.seedCount ?? 1;
  const base = useMemo(
    () => sweepBaseFrom(page, optKey === '' ? [] : optKey.split(','), modelProblem(page.model, page.dataset), seedCount),
    [page, optKey, seedCount],
  );
  const t = page.texts;
  const uses = `${datasetInfo(page.dataset).label}, ${modelInfo(page.model).label}, batch size ${t.batchSize}, β ${t.betaSgd} (SGD family) and ${t.betaAdam} (Adam family), μ ${t.momentum}, weight decay ${t.weightDecay}, seed ${t.seed}`;
  const run = () => {
    if (validation.spec && base.base) void startSweep(validation.spec, base.base);
  };
  return (
    <section className="sweep" aria-labelledby="sweep-heading">
      <h2 id="sweep-heading">α₀ sensitivity</h2>
      <p className="hint">
        A grid of short runs, each in its own worker: how much does the result depend on the initial learning rate α₀, with and without
        hypergradients? Uses the page's settings: {uses}, and each optimizer's own settings. Change them in the controls.
      </p>
      <SweepForm
        texts={texts}
        onChange={setTexts}
        validation={validation}
        pageProblems={base.problems}
        active={active}
        concurrency={CONCURRENCY}
        onRun={run}
        onCancel={cancelSweep}
      />
      <SweepProgress />
      <SweepResults />
    </section>
  );
}
