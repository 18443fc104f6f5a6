// A refresh signal for one chart: at most once per `intervalMs` (~4 per second), only when the
// series buffers changed, and adaptive: when a refresh took long (a busy main thread, e.g. six
// workers on two cores), the next one waits proportionally longer, up to MAX_INTERVAL_MS.
// `phaseMs` offsets charts from each other so their renders land in separate tasks.
import { startTransition, useCallback, useEffect, useRef, useState } from 'react';
import { seriesBuffers } from '../series/buffers';

/** Wait at least this many times the last refresh's duration before the next one. */
const BACKOFF_FACTOR = 6;
const MAX_INTERVAL_MS = 2000;

let measureCount = 0;

export interface SeriesRefresh {
  /** Changes whenever the chart should redraw. */
  tick: number;
  /** Call after the redraw committed (from an effect) so the next one can adapt. */
  committed: () => void;
}

export function useSeriesRefresh(
  intervalMs = 250,
  phaseMs = 0,
  label = 'chart',
  onCost?: (ms: number) => void,
): SeriesRefresh {
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
      if (!dirty || raf !== 0 || document.hidden) return;
      const now = performance.now();
      // A redraw still in flight (give up waiting for it after a few seconds).
      if (t.pending && now - t.firedAt < 3 * MAX_INTERVAL_MS) return;
      if (now < t.nextAllowed) return;
      dirty = false;
      // Render on an animation frame: never more often than the screen refreshes.
      raf = requestAnimationFrame(() => {
        raf = 0;
        t.firedAt = performance.now();
        t.pending = true;
        // A transition lets React render the chart in slices instead of one long task.
        startTransition(() => setTick((x) => x + 1));
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
    // recharts (redux-toolkit's autoBatchEnhancer) redraws its lines in the next animation frame
    // after our commit: the redraw is over once that frame has run.
    requestAnimationFrame(() => {
      setTimeout(() => {
        if (!t.pending) return;
        t.pending = false;
        const now = performance.now();
        const cost = now - t.firedAt;
        // A User Timing entry per redraw, for benchmarks (performance.getEntriesByType('measure')).
        try {
          const name = `chart refresh: ${label}`;
          // Bounded: a long session must not grow the User Timing buffer without end.
          if (++measureCount % 5000 === 0) performance.clearMeasures(name);
          performance.measure(name, { start: t.firedAt, end: now });
        } catch {
          /* User Timing unavailable */
        }
        t.nextAllowed = t.firedAt + Math.min(MAX_INTERVAL_MS, Math.max(intervalMs, cost * BACKOFF_FACTOR));
        onCost?.(cost);
      }, 0);
    });
  }, [intervalMs, label, onCost]);

  return { tick, committed };
}
