// The page: controls on the left; status, charts and export on the right.
import { useEffect } from 'react';
import { requestedBackend } from '../store/backendParam';
import { ensureDataset } from '../store/dataset';
import { useConfigStore } from '../store/configStore';
import { linkChoosesModel } from '../store/urlSync';
import { Alerts } from './Alerts';
import { LinkProblems } from './LinkProblems';
import { hasHardwareGpu } from './hardwareGpu';
import { BackendInfo } from './BackendInfo';
import { Charts } from './Charts';
import { CurvaturePanel } from './CurvaturePanel';
import { ControllerPanel } from './ControllerPanel';
import { Controls } from './Controls';
import { DataLoadProgress } from './DataLoadProgress';
import { ExportButtons } from './ExportButtons';
import { RunStatus } from './RunStatus';
import { RunsTable } from './RunsTable';
import { Guide } from './Guide';
import { ThemeSelect } from './chart/ThemeSelect';
import { SweepPanel } from './SweepPanel';
import { UpdateNotice } from './UpdateNotice';

export function App() {
  useEffect(() => {
    // The reference MLP by default where a GPU backend will train it; the fast network elsewhere.
    const { backend } = requestedBackend();
    const gpuBackend = backend === 'auto' || backend === 'webgl' || backend === 'webgpu';
    // A shared link's model wins over this default.
    if (gpuBackend && hasHardwareGpu() && !linkChoosesModel()) useConfigStore.getState().setModel('mlp');
    // Start fetching the selected dataset at once; Start reuses the same promise.
    ensureDataset().catch(() => undefined);
  }, []);
  return (
    <div className="app">
      <header className="app-header">
        <h1>Hypergradient Playground</h1>
        <p className="tagline">
          Compare learning-rate-adapting optimizers on MNIST, Fashion-MNIST and CIFAR-10, live in your browser: each run trains in its own worker.
        </p>
        <ThemeSelect />
        <BackendInfo />
      </header>
      {/* On a phone the controls come first and the charts far below: a link that stays in view jumps to them. */}
      <nav className="jump-to-charts" aria-label="Jump to the charts">
        <a href="#charts">Charts</a>
      </nav>
      {/* Everything below the header sits in a landmark: the page's messages open the main content. */}
      <main>
        <UpdateNotice />
        <Alerts />
        <LinkProblems />
        <DataLoadProgress />
        <div className="layout">
          <aside className="panel" aria-label="Controls">
            <Controls />
          </aside>
          <div className="results">
            <Guide />
            {/* After Start the table and the charts come first (the question is "who won?"); the live
                status lines with their progress bars and the list of every run follow. */}
            <RunsTable />
            <Charts />
            <CurvaturePanel />
            <ControllerPanel />
            <RunStatus />
            <ExportButtons />
            <SweepPanel />
          </div>
        </div>
      </main>
    </div>
  );
}
