// The one crosshair the three charts share: an x in the current x axis' units, or null (hidden).
// A store of its own, so moving it re-renders only the crosshair layers and tooltips, not the charts.
import { create } from 'zustand';

interface CrosshairState {
  x: number | null;
  setX: (x: number | null) => void;
}

export const useCrosshairStore = create<CrosshairState>()((set) => ({
  x: null,
  setX: (x) => set((s) => (s.x === x ? {} : { x })),
}));
