// How the charts show the runs (not what trains): smoothing and the x axis. Shared by the charts, the
// URL (src/share/urlConfig.ts) and the exporters; other view settings live here too.
import { create } from 'zustand';
import type { HpName } from '../engine/types';
import type { LrScale, XAxis } from '../series/axes';
import type { Family } from '../optim/catalog';

export type { LrScale };

/** What the learning-rate chart draws: α (the `lr` column) or a hyperparameter a Stack run tunes. */
export type HpChoice = 'alpha' | HpName;
export const HP_CHOICES: readonly HpChoice[] = ['alpha', 'mu', 'beta1', 'beta2', 'gamma'];
export const isHpChoice = (v: unknown): v is HpChoice => (HP_CHOICES as readonly unknown[]).includes(v);

export interface ViewState {
  /** Debiased EMA weight in [0, MAX_SMOOTHING] (src/series/smoothing.ts); 0 = raw. */
  smoothing: number;
  xAxis: XAxis;
  /** Loss chart on a log10 axis. */
  logY: boolean;
  lrScale: LrScale;
  /** The learning-rate chart's hyperparameter (α: the chart as it always was). */
  hp: HpChoice;
  /** Linear and symlog axes include y = 0. */
  fromZero: boolean;
  /** Visible x range in the current x axis' units; null = everything. Reset when the x axis changes. */
  zoom: [number, number] | null;
  /** Only the runs of one colour family (a variant family with its baselines), or all. */
  family: Family | 'all';
  /** The loss chart shows variant − baseline instead of the losses. */
  diffFromBaseline: boolean;
  /** Seeds of one configuration drawn one by one instead of as mean and min–max band. */
  showSeeds: boolean;
  /** The runs table's loss threshold (iterations to reach it); null = none. Also in the export's sidecar. */
  lossThreshold: number | null;
  setSmoothing: (w: number) => void;
  setXAxis: (x: XAxis) => void;
  setLogY: (v: boolean) => void;
  setLrScale: (v: LrScale) => void;
  setHp: (v: HpChoice) => void;
  setFromZero: (v: boolean) => void;
  setZoom: (z: [number, number] | null) => void;
  setFamily: (f: Family | 'all') => void;
  setDiffFromBaseline: (v: boolean) => void;
  setShowSeeds: (v: boolean) => void;
  setLossThreshold: (v: number | null) => void;
}

export const VIEW_DEFAULT = { smoothing: 0, xAxis: 'iteration' as XAxis };

export const useViewStore = create<ViewState>()((set) => ({
  ...VIEW_DEFAULT,
  logY: false,
  lrScale: 'symlog',
  hp: 'alpha',
  fromZero: false,
  zoom: null,
  family: 'all',
  diffFromBaseline: false,
  showSeeds: false,
  lossThreshold: null,
  setSmoothing: (smoothing) => set({ smoothing }),
  // A range in iterations means nothing in seconds: a new x axis starts unzoomed.
  setXAxis: (xAxis) => set((s) => (s.xAxis === xAxis ? {} : { xAxis, zoom: null })),
  setLogY: (logY) => set({ logY }),
  setLrScale: (lrScale) => set({ lrScale }),
  setHp: (hp) => set({ hp }),
  setFromZero: (fromZero) => set({ fromZero }),
  setZoom: (zoom) => set({ zoom }),
  setFamily: (family) => set({ family }),
  setDiffFromBaseline: (diffFromBaseline) => set({ diffFromBaseline }),
  setShowSeeds: (showSeeds) => set({ showSeeds }),
  setLossThreshold: (lossThreshold) => set({ lossThreshold }),
}));
