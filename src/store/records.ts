// Runs as the exporters read them: metadata from the runs store, series from the buffers.
import type { RunRecord } from '../engine/types';
import { seriesBuffers } from '../series/buffers';
import { useRunsStore } from './runsStore';

/** A RunRecord (what the exporters read) for one run of the session. */
export function runRecord(runId: string): RunRecord | null {
  const r = useRunsStore.getState().runs[runId];
  if (!r) return null;
  const s = seriesBuffers.get(runId);
  return {
    runId: r.runId,
    config: r.config,
    backend: r.backend,
    state: r.state,
    divergedAt: r.divergedAt,
    train: s.train,
    evals: s.evals,
    ...(r.events?.length ? { events: r.events } : {}),
    ...(s.curvature?.length ? { curvature: s.curvature } : {}),
    ...(s.controller?.length ? { controller: s.controller } : {}),
  };
}

export function allRunRecords(): RunRecord[] {
  return useRunsStore
    .getState()
    .order.map(runRecord)
    .filter((r): r is RunRecord => r !== null);
}
