// How the charts show the runs (not what trains): smoothing and the x axis. Shared by the charts, the
// URL (src/share/urlConfig.ts) and the exporters; other view settings live here too.
import { create } from 'zustand';
import type { XAxis } from '../series/axes';

export interface ViewState {
  /** Debiased EMA weight in [0, MAX_SMOOTHING] (src/series/smoothing.ts); 0 = raw. */
  smoothing: number;
  xAxis: XAxis;
  setSmoothing: (w: number) => void;
  setXAxis: (x: XAxis) => void;
}

export const VIEW_DEFAULT = { smoothing: 0, xAxis: 'iteration' as XAxis };

export const useViewStore = create<ViewState>()((set) => ({
  ...VIEW_DEFAULT,
  setSmoothing: (smoothing) => set({ smoothing }),
  setXAxis: (xAxis) => set({ xAxis }),
}));
