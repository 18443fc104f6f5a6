// Hostile problem files for `npm run trace`: the check that runs before any training
// (validateProblemFile in src/cli/traceInput.ts, after JSON.parse). Edits of a valid file (wrong
// types, missing fields, huge, negative and non-finite numbers, values nested 10,000 deep, long
// strings) and byte-level damage of its text. Every case must give the typed file or one line of
// TraceInputError naming the field, in time; whatever passes must be safe to replay (bounded steps).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_TRACE_STEPS, TraceInputError, validateProblemFile } from '../../src/cli/traceInput';
import { editJson, editJsonText, expectOwnError, FUZZ_RUNS, jsonEditArb, mutate, mutationsArb, nested, timedSync, withAllocationGuard } from './fuzzHelpers';

const ALLOC_LIMIT = 16 << 20;

/** A small valid problem: N = 4 rows of D = 2 features, C = 2 classes, layers 2-3-2, two runs. */
const PROBLEM = {
  problem: {
    data: { N: 4, D: 2, C: 2, y: [0, 1, 1, 0], X_rowmajor: [0.1, 0.2, -0.3, 0.4, 0.5, -0.6, 0.7, 0.8] },
    model: {
      layer_sizes: [2, 3, 2],
      param_layout: [
        { index: 0, offset: 0, size: 6 },
        { index: 1, offset: 6, size: 3 },
        { index: 2, offset: 9, size: 6 },
        { index: 3, offset: 15, size: 2 },
      ],
      n_params: 17,
    },
    init: { init_params: Array.from({ length: 17 }, (_, i) => (i - 8) / 10) },
    batch_size: 2,
  },
  runs: [
    { id: 'a', class: 'SGDHD', config_with_defaults: { lr: 0.01, hypergrad_lr: 0.001 }, steps: [{ step: 1, loss: 0.7, lr: 0.01, params: [] }, { step: 3, loss: 0.6, lr: 0.01 }] },
    { id: 'b', class: 'AdamHD', config_with_defaults: { lr: 0.001 }, stress: true, steps: [{ step: 2, loss: 0.7, lr: 0.001 }] },
  ],
};

/** What a file that passes must be: consistent sizes and a replay of bounded length. */
function expectReplayable(f: ReturnType<typeof validateProblemFile>): void {
  const { N, D, C, X_rowmajor, y } = f.problem.data;
  expect(X_rowmajor.length).toBe(N * D);
  expect(y.every((v) => Number.isInteger(v) && v >= 0 && v < C)).toBe(true);
  const ls = f.problem.model.layer_sizes;
  expect(ls[0]).toBe(D);
  expect(ls[ls.length - 1]).toBe(C);
  expect(f.problem.init.init_params.length).toBe(f.problem.model.param_layout.reduce((a, l) => a + l.size, 0));
  expect(Number.isInteger(f.problem.batch_size) && f.problem.batch_size >= 1 && f.problem.batch_size <= N).toBe(true);
  for (const r of f.runs) {
    expect(typeof r.id === 'string' && r.id !== '').toBe(true);
    expect(r.steps.length).toBeGreaterThan(0);
    expect(r.steps.every((s, i) => Number.isInteger(s.step) && s.step >= 1 && (i === 0 || s.step > r.steps[i - 1].step))).toBe(true);
    expect(r.steps[r.steps.length - 1].step).toBeLessThanOrEqual(MAX_TRACE_STEPS);
  }
}

describe('fuzz: trace problem files', () => {
  it('the valid file comes back typed, with its runs and the steps to record', () => {
    const f = validateProblemFile(structuredClone(PROBLEM));
    expectReplayable(f);
    expect(f.runs.map((r) => r.id)).toEqual(['a', 'b']);
    expect(f.runs[0].steps.map((s) => [s.step, 'params' in s])).toEqual([[1, true], [3, false]]);
    expect(f.problem.model.param_layout[2]).toEqual({ index: 2, offset: 9, size: 6 });
  });

  it(`refuses ${FUZZ_RUNS} edited files with one line of TraceInputError, or passes only replayable ones`, async () => {
    let ok = 0;
    let refused = 0;
    await withAllocationGuard(ALLOC_LIMIT, () =>
      fc.assert(
        fc.property(fc.array(jsonEditArb, { minLength: 1, maxLength: 3 }), (edits) =>
          timedSync(() => {
            let f;
            try {
              f = validateProblemFile(editJson(PROBLEM, edits));
            } catch (e) {
              expectOwnError(e, TraceInputError);
              refused++;
              return;
            }
            ok++;
            expectReplayable(f);
          }),
        ),
        { seed: 0x7ace, numRuns: FUZZ_RUNS },
      ),
    );
    expect(ok).toBeGreaterThan(FUZZ_RUNS / 20);
    expect(refused).toBeGreaterThan(FUZZ_RUNS / 2);
  });

  it(`parses or refuses ${FUZZ_RUNS} damaged file texts (JSON.parse, then the check), as main does`, async () => {
    let ok = 0;
    let refused = 0;
    const text = new TextEncoder().encode(JSON.stringify(PROBLEM));
    await withAllocationGuard(ALLOC_LIMIT, () =>
      fc.assert(
        fc.property(
          fc.oneof(
            { weight: 3, arbitrary: mutationsArb(3).map((muts) => new TextDecoder().decode(mutate(text, muts))) },
            { weight: 1, arbitrary: fc.array(jsonEditArb, { minLength: 1, maxLength: 2 }).map((edits) => editJsonText(PROBLEM, edits)) },
          ),
          (src) =>
            timedSync(() => {
              let raw: unknown;
              try {
                raw = JSON.parse(src);
              } catch (e) {
                expect(e).toBeInstanceOf(SyntaxError); // main turns it into one line, exit code 1
                refused++;
                return;
              }
              try {
                expectReplayable(validateProblemFile(raw));
                ok++;
              } catch (e) {
                expectOwnError(e, TraceInputError);
                refused++;
              }
            }),
        ),
        { seed: 0x7e47, numRuns: FUZZ_RUNS },
      ),
    );
    expect(ok).toBeGreaterThan(FUZZ_RUNS / 20);
    expect(refused).toBeGreaterThan(FUZZ_RUNS / 10);
  });
});

describe('regressions found by the fuzzers (minimal counterexamples)', () => {
  const withField = (set: (p: typeof PROBLEM) => void) => {
    const p = structuredClone(PROBLEM);
    set(p);
    return p;
  };
  const refusal = (raw: unknown): string => {
    try {
      validateProblemFile(raw);
    } catch (e) {
      expect(e).toBeInstanceOf(TraceInputError);
      return (e as Error).message;
    }
    throw new Error('accepted');
  };

  it('a value nested 10,000 deep gets a TraceInputError, not a RangeError from JSON.stringify', () => {
    // Was: RangeError: Maximum call stack size exceeded (the message quoted the value with JSON.stringify).
    expect(refusal(withField((p) => ((p.problem.data as Record<string, unknown>).N = nested(10_000))))).toMatch(/^problem\.data\.N must be a positive integer, got \[\[\[/);
    expect(refusal(withField((p) => ((p.problem.data.X_rowmajor as unknown[])[3] = nested(10_000))))).toMatch(/^problem\.data\.X_rowmajor\[3\] is not a finite number/);
    expect(refusal(withField((p) => ((p.problem.model as Record<string, unknown>).n_params = nested(10_000))))).toMatch(/^problem\.model\.n_params is \[\[\[/);
    expect(refusal(withField((p) => ((p.problem as Record<string, unknown>).batch_size = nested(10_000))))).toMatch(/^problem\.batch_size \[\[\[.* must be an integer/);
  });

  it('a long value is quoted in a short message', () => {
    // Was: the whole value in the one-line message (a 100,000-character N made a 100 kB line; layer_sizes
    // of 1,000 entries a 4 kB line, quoted in three messages).
    expect(refusal(withField((p) => ((p.problem.data as Record<string, unknown>).N = 'x'.repeat(100_000)))).length).toBeLessThan(200);
    const many = Array.from({ length: 1_000 }, (_, i) => i);
    expect(refusal(withField((p) => (p.problem.model.layer_sizes = many))).length).toBeLessThan(200);
    expect(refusal(withField((p) => (p.problem.model.layer_sizes = [2, ...many.map(() => 1), 2]))).length).toBeLessThan(300);
  });

  it('a step count beyond MAX_TRACE_STEPS is refused before anything is replayed', () => {
    // Was accepted: "step": 1e15 made the replay loop run for ever.
    expect(refusal(withField((p) => (p.runs[0].steps[1].step = 1e15)))).toMatch(new RegExp(`^run "a": steps\\[1\\]\\.step 1000000000000000 is beyond the ${MAX_TRACE_STEPS} steps a trace replays`));
    expect(validateProblemFile(withField((p) => (p.runs[0].steps[1].step = MAX_TRACE_STEPS))).runs[0].steps[1].step).toBe(MAX_TRACE_STEPS);
  });
});
