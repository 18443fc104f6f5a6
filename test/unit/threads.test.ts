// src/sched/threads.ts: how many wasm threads a run gets (all cores for one run, one each when the runs
// share them, one where the page is not cross-origin isolated) and how the count is shown.
import { describe, expect, it } from 'vitest';
import {
  backendWithThreads,
  runsTrainingAtOnce,
  threadCount,
  threadsExplained,
  threadsPerRun,
  threadsPolicyText,
} from '../../src/sched/threads';

describe('threadsPerRun', () => {
  it('gives one run every core when the page is isolated', () => {
    expect(threadsPerRun({ isolated: true, cores: 2, runsAtOnce: 1 })).toBe(2);
    expect(threadsPerRun({ isolated: true, cores: 8, runsAtOnce: 1 })).toBe(8);
  });
  it('shares the cores: ⌊cores / runs⌋, never below one', () => {
    expect(threadsPerRun({ isolated: true, cores: 2, runsAtOnce: 2 })).toBe(1);
    expect(threadsPerRun({ isolated: true, cores: 8, runsAtOnce: 3 })).toBe(2);
    expect(threadsPerRun({ isolated: true, cores: 8, runsAtOnce: 4 })).toBe(2);
    expect(threadsPerRun({ isolated: true, cores: 8, runsAtOnce: 5 })).toBe(1);
    expect(threadsPerRun({ isolated: true, cores: 2, runsAtOnce: 12 })).toBe(1);
  });
  it('is single-threaded where the page is not isolated, whatever the cores', () => {
    expect(threadsPerRun({ isolated: false, cores: 16, runsAtOnce: 1 })).toBe(1);
  });
  it('counts unknown or nonsense cores and run counts as one', () => {
    for (const cores of [undefined, 0, -4, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(threadsPerRun({ isolated: true, cores, runsAtOnce: 1 })).toBe(1);
    }
    expect(threadsPerRun({ isolated: true, cores: 4.7, runsAtOnce: 1 })).toBe(4);
    expect(threadsPerRun({ isolated: true, cores: 4, runsAtOnce: 0 })).toBe(4);
    expect(threadsPerRun({ isolated: true, cores: 4, runsAtOnce: Number.NaN })).toBe(4);
  });
});

describe('runsTrainingAtOnce', () => {
  it('is running plus queued, at most the limit, at least one', () => {
    expect(runsTrainingAtOnce(1, 0, 12)).toBe(1);
    expect(runsTrainingAtOnce(2, 0, 12)).toBe(2);
    expect(runsTrainingAtOnce(12, 5, 12)).toBe(12);
    expect(runsTrainingAtOnce(0, 0, 12)).toBe(1);
  });
});

describe('display', () => {
  it('names the count', () => {
    expect(threadCount(1)).toBe('1 thread');
    expect(threadCount(2)).toBe('2 threads');
  });
  it('says why a run is single-threaded when the page is not isolated', () => {
    expect(threadsExplained(2, true)).toBe('2 threads');
    expect(threadsExplained(1, true)).toBe('1 thread');
    expect(threadsExplained(1, false)).toBe('1 thread: the page is not cross-origin isolated');
    expect(threadsExplained(1, undefined)).toBe('1 thread');
  });
  it('puts the count next to wasm only', () => {
    expect(backendWithThreads('wasm', 2)).toBe('wasm, 2 threads');
    expect(backendWithThreads('wasm', 1)).toBe('wasm, 1 thread');
    expect(backendWithThreads('wasm', undefined)).toBe('wasm');
    expect(backendWithThreads('webgl', 1)).toBe('webgl');
    expect(backendWithThreads(null, 2)).toBeNull();
  });
  it('explains the page-wide policy', () => {
    expect(threadsPolicyText(false, 8)).toMatch(/1 per run .*not cross-origin isolated/);
    expect(threadsPolicyText(true, 2)).toMatch(/up to 2 per run .*cross-origin isolated/);
    expect(threadsPolicyText(true, 1)).toMatch(/1 per run .*one core/);
  });
});
