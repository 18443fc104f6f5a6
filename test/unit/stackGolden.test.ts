// Stacked hyperoptimizers (src/optim/stack.ts) against golden trajectories of the ORIGINAL code of
// "Gradient Descent: The Ultimate Optimizer" (kach/gradient-descent-the-ultimate-optimizer@d6a3dbbe,
// gdtuo.py, package version 1.0, run in float64 under torch 1.13.1): test/golden/stack_reference.json,
// written by scripts/golden/gdtuo_stacks.py. Every case is replayed with stackedOptimizer(parseStack(spec))
// on the tfjs cpu backend, and the loss, the parameters and every level's effective hyperparameters are
// compared step by step. No python, no network: only the committed JSON.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { useNodeBackend } from '../../src/engine/nodeBackends';
import { disposeReplaced } from '../../src/optim/dispose';
import { HYPER_DEFAULTS } from '../../src/optim/hyper';
import { hyperValues, stackedOptimizer, type StackState } from '../../src/optim/stack';
import { parseStack } from '../../src/optim/stackSpec';

interface ParamSpec { name: string; shape: number[]; init: number[] }
interface Problem { id: string; kind: 'quadratic' | 'logistic'; A?: number[][]; b?: number[]; X?: number[][]; y?: number[]; params: ParamSpec[] }
type Hypers = Record<string, number>;
interface Step { step: number; loss: number; params: number[][]; hypers: Hypers[] }
interface Case { id: string; spec: string; problem: string; steps_count: number; reference_stack: string; init_hypers: Hypers[]; steps: Step[] }
interface Golden { provenance: Record<string, string>; problems: Record<string, Problem>; cases: Case[] }

const golden = JSON.parse(readFileSync(path.resolve(__dirname, '../golden/stack_reference.json'), 'utf8')) as Golden;

// Tolerance. The reference runs in float64, tfjs here in float32 (unit roundoff 6e-8). Over ≤ 10 steps the
// roundoff compounds through the hypergradients (products of gradients of consecutive steps, and for Adam
// the tanh-clamped β₂ ≈ 0.999, whose 1 − β₂ float32 holds to only ~3e-5 relative), so agreement to ~1e-5
// relative is what float32 can give; 1e-4 relative (plus a small absolute floor for values that pass near
// 0, e.g. a parameter crossing zero or the quadratic's loss) still catches any real difference of the
// math: a wrong order of updates, a missing bias correction or a wrong v₀ moves these values by 1e-3 to 1e-1.
const RTOL = 1e-4;
const ATOL = { loss: 1e-6, param: 1e-6, hyper: 1e-9 };

/** The problem's loss of its parameter tensors, and the constant tensors it holds (the caller disposes them). */
function lossFn(p: Problem): { f: (...xs: Tensor[]) => Scalar; consts: Tensor[] } {
  if (p.kind === 'quadratic') {
    const A = tf.tensor2d(p.A!), b = tf.tensor1d(p.b!);
    const f = (th: Tensor) => tf.sub(tf.mul(0.5, tf.sum(tf.mul(th, tf.reshape(tf.matMul(A, tf.reshape(th, [-1, 1])), [-1])))), tf.sum(tf.mul(b, th))) as Scalar;
    return { f, consts: [A, b] };
  }
  const X = tf.tensor2d(p.X!), y = tf.tensor1d(p.y!);
  // Binary cross-entropy with logits, mean over rows (torch's binary_cross_entropy_with_logits).
  const f = (w: Tensor, b: Tensor) => {
    const z = tf.add(tf.reshape(tf.matMul(X, tf.reshape(w, [-1, 1])), [-1]), b);
    return tf.mean(tf.sub(tf.softplus(z), tf.mul(y, z))) as Scalar;
  };
  return { f, consts: [X, y] };
}

const scalar = (s: Scalar) => s.dataSync()[0];

interface Deviation { what: string; rel: number }

/**
 * Replays a case; fails on the first value beyond tolerance, and returns per kind the largest deviation
 * |Δ| / (|reference| + ATOL/RTOL), i.e. RTOL × the fraction of the tolerance used.
 */
function replay(c: Case): { loss: Deviation; param: Deviation; hyper: Deviation } {
  const problem = golden.problems[c.problem];
  const { f, consts } = lossFn(problem);
  const vg = tf.valueAndGrads(f as (...xs: Tensor[]) => Scalar);
  const opt = stackedOptimizer(parseStack(c.spec));
  let params: Tensor[] = problem.params.map((q) => tf.tensor(q.init, q.shape));
  let state = opt.init(params, HYPER_DEFAULTS) as StackState;
  const worst = { loss: { what: '', rel: 0 }, param: { what: '', rel: 0 }, hyper: { what: '', rel: 0 } };
  const check = (kind: keyof typeof worst, what: string, got: number, want: number) => {
    const err = Math.abs(got - want);
    const rel = err / (Math.abs(want) + ATOL[kind] / RTOL);
    if (rel > worst[kind].rel) worst[kind] = { what, rel };
    if (!(err <= RTOL * Math.abs(want) + ATOL[kind])) {
      expect.fail(`${c.id} (${c.spec}): ${what} = ${got}, reference ${want} (|Δ| = ${err.toExponential(2)})`);
    }
  };
  const checkHypers = (at: string, want: Hypers[]) => {
    expect(want.length).toBe(state.levels.length);
    want.forEach((h, l) => {
      const got = hyperValues(state, l);
      expect(Object.keys(got).sort(), `${c.id} level ${l} hyperparameters`).toEqual(Object.keys(h).sort());
      for (const [k, v] of Object.entries(h)) check('hyper', `${at} level ${l} ${k}`, scalar(got[k as keyof typeof got]!), v);
    });
  };
  try {
    checkHypers('init', c.init_hypers);
    for (const s of c.steps) {
      const { value, grads } = vg(params);
      check('loss', `step ${s.step} loss`, scalar(value), s.loss);
      const r = opt.step(params, grads, state);
      disposeReplaced([params, state, value, grads], [r.params, r.state]);
      params = r.params;
      state = r.state;
      s.params.forEach((want, i) => {
        const got = params[i].dataSync();
        expect(got.length).toBe(want.length);
        want.forEach((w, j) => check('param', `step ${s.step} ${problem.params[i].name}[${j}]`, got[j], w));
      });
      checkHypers(`step ${s.step}`, s.hypers);
    }
  } finally {
    disposeReplaced([params, state, consts], []);
  }
  return worst;
}

beforeAll(async () => {
  await useNodeBackend('cpu');
});

describe('stacks against the original gdtuo.py (test/golden/stack_reference.json)', () => {
  it('was generated by the original package in float64', () => {
    expect(golden.provenance.package).toBe('gradient_descent_the_ultimate_optimizer');
    expect(golden.provenance.package_version).toBe('1.0');
    expect(golden.provenance.dtype).toBe('torch.float64');
    expect(golden.cases.length).toBeGreaterThanOrEqual(12);
  });

  it('covers every level class and the three-level stacks', () => {
    const specs = golden.cases.map((c) => c.spec);
    for (const re of [/^SGD\(\S+\) \/ SGD/, /^SGD\([^)]*μ=/, /^Adam\([^/]*\/ SGD/, /^Adam\([^/]*\/ Adam/, /^Adamα/, /^RMSProp\(/, /^RMSPropα/, /^AdaGrad/,
      /^SGD\([^/]*\/ SGD\([^/]*\/ SGD/, /^Adam\([^/]*\/ SGD\([^/]*\/ SGD/]) {
      expect(specs.some((s) => re.test(s)), String(re)).toBe(true);
    }
  });

  for (const c of golden.cases) {
    it(`${c.id}: ${c.spec} on ${c.problem}, ${c.steps_count} steps`, () => {
      const before = tf.memory().numTensors;
      const worst = replay(c);
      expect(tf.memory().numTensors).toBe(before);
      // The largest deviations, for the record (vitest prints them with --reporter=verbose).
      console.log(`${c.id}: max rel. deviation loss ${worst.loss.rel.toExponential(1)} (${worst.loss.what}), ` +
        `params ${worst.param.rel.toExponential(1)} (${worst.param.what}), hypers ${worst.hyper.rel.toExponential(1)} (${worst.hyper.what})`);
    });
  }
});
