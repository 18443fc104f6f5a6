// How long a run is and when it evaluates: pure functions of the configuration, shared by the engine
// and the page (which must not import tfjs).
import { itersPerEpoch } from '../data/batching';
import type { TrainConfig } from './types';

/** Budget in iterations: `iterations` when set, else whole epochs (last partial batch included). */
export function totalIterations(cfg: Pick<TrainConfig, 'iterations' | 'epochs' | 'batchSize'>, nTrain: number): number {
  return cfg.iterations ?? cfg.epochs * itersPerEpoch(nTrain, cfg.batchSize);
}

/** Evaluate after iteration t? Every `evalEvery` iterations, else at each epoch end; always at the end. */
export function evalDue(t: number, total: number, evalEvery: number | null, perEpoch: number): boolean {
  return t === total || (evalEvery !== null ? t % evalEvery === 0 : t % perEpoch === 0);
}
