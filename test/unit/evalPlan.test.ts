// When a run evaluates and on what (src/engine/budget.ts evalPlan): values derived by hand in comments.
import { describe, expect, it } from 'vitest';
import { describeEvalPlan, evalDue, evalPlan, fullEvalAt, MIN_EVAL_SUBSET } from '../../src/engine/budget';
import type { TrainConfig } from '../../src/engine/types';

const cfg = (p: Partial<TrainConfig>) => ({ iterations: null, epochs: 1, batchSize: 128, evalEvery: null, ...p }) as Pick<
  TrainConfig,
  'iterations' | 'epochs' | 'batchSize' | 'evalEvery' | 'evalPoints'
>;
const MNIST = [60000, 10000] as const;

describe('evalPlan', () => {
  it('the command line and the reference: epoch ends only, full test set', () => {
    expect(evalPlan(cfg({ epochs: 10 }), ...MNIST)).toEqual({ every: null, epochEnds: true, subset: null });
  });

  it('an Eval interval the person set wins: every N, full test set, no epoch ends added', () => {
    expect(evalPlan(cfg({ iterations: 300, evalEvery: 50, evalPoints: 25 }), ...MNIST)).toEqual({ every: 50, epochEnds: false, subset: null });
  });

  it('the page default, 300 iterations at batch 128: every 12, subset raised to the minimum', () => {
    // every = min(469, ⌈300/25⌉) = 12 → 25 in-between points; 0.05·3·300·128/25 = 230.4 → 230 < 250.
    const plan = evalPlan(cfg({ iterations: 300, evalPoints: 25 }), ...MNIST);
    expect(plan).toEqual({ every: 12, epochEnds: true, subset: MIN_EVAL_SUBSET });
    const due = Array.from({ length: 300 }, (_, i) => i + 1).filter((t) => evalDue(t, 300, plan, 469));
    expect(due.length).toBe(25);
    expect(due.slice(0, 3)).toEqual([12, 24, 36]);
    expect(due.filter((t) => fullEvalAt(t, 300, 469, plan))).toEqual([300]);
    expect(fullEvalAt(0, 300, 469, plan)).toBe(true);
  });

  it('ten epochs at batch 128: every 188 iterations, a 3,601-image subset, full at each epoch end', () => {
    // total 4,690; every = min(469, ⌈4690/25⌉ = 188); ⌈4690/188⌉ = 25; ⌊0.15·4690·128/25⌋ = ⌊3601.92⌋.
    const plan = evalPlan(cfg({ epochs: 10, evalPoints: 25 }), ...MNIST);
    expect(plan).toEqual({ every: 188, epochEnds: true, subset: 3601 });
    const due = Array.from({ length: 4690 }, (_, i) => i + 1).filter((t) => evalDue(t, 4690, plan, 469));
    expect(due.filter((t) => t % 469 === 0).length).toBe(10);
    expect(due.length).toBe(24 + 10); // 188·k for k = 1…24 (4,512; 4,700 > 4,690), plus 10 epoch ends (4,690 among them)
    expect(due.filter((t) => fullEvalAt(t, 4690, 469, plan))).toEqual([469, 938, 1407, 1876, 2345, 2814, 3283, 3752, 4221, 4690]);
  });

  it('a subset as large as the test set is the test set', () => {
    // 100 epochs: every = min(469, 1876) = 469 → ⌊0.15·46900·128/100⌋ = 9,004 < 10,000: a subset, but
    // every point is an epoch end; a test set of 2,000 takes the full set.
    expect(evalPlan(cfg({ epochs: 100, evalPoints: 25 }), ...MNIST).subset).toBe(9004);
    expect(evalPlan(cfg({ epochs: 100, evalPoints: 25 }), 60000, 2000).subset).toBeNull();
  });

  it('says what it does', () => {
    expect(describeEvalPlan(evalPlan(cfg({ iterations: 300, evalPoints: 25 }), ...MNIST), 10000)).toBe(
      'validation every 12 iterations on a fixed subset of 250 test images (the same for every run), on all 10,000 at each epoch end and at the last iteration',
    );
    expect(describeEvalPlan(evalPlan(cfg({}), ...MNIST), 10000)).toBe('validation on all 10,000 test images at each epoch end');
    expect(describeEvalPlan(evalPlan(cfg({ iterations: 300, evalEvery: 50 }), ...MNIST), 10000)).toBe('validation on all 10,000 test images every 50 iterations');
  });
});
