// A refresh signal for a chart layer: at most once per `intervalMs`, only when the series buffers
// changed, on an animation frame, and adaptive: when a redraw took long (a busy main thread), the next
// one waits proportionally longer, up to MAX_INTERVAL_MS. `phaseMs` staggers charts so their redraws
// land in separate tasks. Each redraw is recorded as a User Timing measure for the page benchmark.
import { useCallback, useEffect, useRef, useState } from 'react';
import { seriesBuffers } from '../series/buffers';

/** Wait at least this many times the last redraw's duration before the next one. */
const BACKOFF_FACTOR = 6;
const MAX_INTERVAL_MS = 2000;
/** Bound on the User Timing buffer over a long session. */
const MAX_MEASURES = 5000;

let measureCount = 0;

export interface SeriesRefresh {
  /** Changes whenever the chart should redraw. */
  tick: number;
  /** Call from an effect after the redraw committed, so the next one can adapt. */
  committed: () => void;
}

export function useSeriesRefresh(intervalMs: number, phaseMs: number, label: string): SeriesRefresh {
  const [tick, setTick] = useState(0);
  const timing = useRef({ firedAt: 0, nextAllowed: 0, pending: false });

  useEffect(() => {
    let dirty = false;
    let raf = 0;
    let interval: ReturnType<typeof setInterval> | undefined;
    const t = timing.current;
    const unsubscribe = seriesBuffers.subscribe(() => {
      dirty = true;
    });
    const fire = () => {
      const now = performance.now();
      if (!dirty || raf !== 0 || document.hidden || t.pending || now < t.nextAllowed) return;
      dirty = false;
      raf = requestAnimationFrame(() => {
        raf = 0;
        t.firedAt = performance.now();
        t.pending = true;
        setTick((x) => x + 1);
      });
    };
    const phase = setTimeout(() => {
      interval = setInterval(fire, Math.min(intervalMs, 100));
    }, phaseMs);
    return () => {
      unsubscribe();
      clearTimeout(phase);
      if (interval !== undefined) clearInterval(interval);
      if (raf !== 0) cancelAnimationFrame(raf);
    };
  }, [intervalMs, phaseMs]);

  const committed = useCallback(() => {
    const t = timing.current;
    if (!t.pending) return;
    t.pending = false;
    const now = performance.now();
    t.nextAllowed = t.firedAt + Math.min(MAX_INTERVAL_MS, Math.max(intervalMs, (now - t.firedAt) * BACKOFF_FACTOR));
    try {
      const name = `chart refresh: ${label}`;
      if (++measureCount % MAX_MEASURES === 0) performance.clearMeasures();
      performance.measure(name, { start: t.firedAt, end: now });
    } catch {
      /* User Timing unavailable */
    }
  }, [intervalMs, label]);

  return { tick, committed };
}
