// The runs of the latest Start whose optimizer `keep` accepts, in order, as the charts know them (label,
// style in the current theme, config); for the panels that draw one kind of run (Curvature, Controller
// inputs). Labels, configs and styles never change after Start, so the list changes only with the run
// ids, their labels and the theme.
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useRunsStore } from '../store/runsStore';
import { useThemeStore } from './chart/theme';
import type { ChartRun } from './chartSeries';
import { optimizerStyle } from './colors';

export function useCurrentRuns(keep: (optimizer: string) => boolean): ChartRun[] {
  const ids = useRunsStore(useShallow((s) => s.current.filter((id) => keep(s.runs[id]?.config.optimizer ?? ''))));
  const labels = useRunsStore(useShallow((s) => ids.map((id) => s.runs[id]?.label)));
  const theme = useThemeStore((s) => s.theme);
  return useMemo(() => {
    const all = useRunsStore.getState().runs;
    return ids.flatMap((id) => {
      const r = all[id];
      return r ? [{ runId: id, label: r.label, style: optimizerStyle(r.config.optimizer, theme), config: r.config }] : [];
    });
  }, [ids, labels, theme]); // eslint-disable-line react-hooks/exhaustive-deps
}
