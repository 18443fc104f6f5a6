// A refresh counter for charts: bumps at most once per `intervalMs` and only when the series
// buffers changed. `phaseMs` offsets charts from each other so their renders land in separate tasks.
import { startTransition, useEffect, useState } from 'react';
import { seriesBuffers } from '../series/buffers';

export function useSeriesRefresh(intervalMs = 250, phaseMs = 0): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let dirty = false;
    let raf = 0;
    let interval: ReturnType<typeof setInterval> | undefined;
    const unsubscribe = seriesBuffers.subscribe(() => {
      dirty = true;
    });
    const fire = () => {
      if (!dirty || raf !== 0) return;
      dirty = false;
      // Render on an animation frame: never more often than the screen refreshes.
      raf = requestAnimationFrame(() => {
        raf = 0;
        // A transition lets React render the chart in slices instead of one long task.
        startTransition(() => setTick((t) => t + 1));
      });
    };
    const phase = setTimeout(() => {
      interval = setInterval(fire, intervalMs);
    }, phaseMs);
    return () => {
      unsubscribe();
      clearTimeout(phase);
      if (interval !== undefined) clearInterval(interval);
      if (raf !== 0) cancelAnimationFrame(raf);
    };
  }, [intervalMs, phaseMs]);
  return tick;
}
