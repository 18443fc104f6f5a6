// torch.optim.LBFGS of torch 1.13 (torch/optim/lbfgs.py at v1.13.1), step for step: the same order of
// operations, the same tests and the same state carried across steps (d, t, old_dirs, old_stps, ro,
// H_diag, prev_flat_grad, prev_loss, n_iter, func_evals). Vectors are one flat float32 tensor (the
// concatenation of the flattened parameters, as torch's _gather_flat_grad); the scalars torch turns into
// Python numbers or compares (.item()/float()/`if tensor > x`) are read back with `await data()`, several
// per read, and kept as JS numbers (float64). The two-loop recursion stays on the device.
//
// Weight decay: torch's LBFGS has none; here the objective is f + ½·wd·|θ|², so every closure value and
// gradient (the given one included) is f + ½·wd·|θ|² and g + wd·θ. With wd = 0 it is torch exactly.
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { pyMin, strongWolfe, type LineEval } from './lineSearch';
import { dot } from './tensorOps';
import type { LossOracle, OptState, Optimizer } from './types';

export interface LbfgsState extends OptState {
  /** torch's state['d']: the last search direction (flat), null before the first iteration. */
  d: Tensor | null;
  /** torch's state['t']: the step size of the last inner iteration, null before the first. */
  stepSize: number | null;
  /** torch's old_dirs (the y = g_{k+1} − g_k) and old_stps (the s = t·d), oldest first. */
  oldDirs: Tensor[];
  oldStps: Tensor[];
  /** torch's ro: 1 / (y·s) per pair. */
  ro: number[];
  /** torch's H_diag: y·s / y·y of the newest pair (1 until one is stored). */
  hDiag: number;
  prevFlatGrad: Tensor | null;
  prevLoss: number | null;
  /** torch's state['n_iter'] and state['func_evals'] (totals over all steps). */
  nIter: number;
  funcEvals: number;
  /** Closure calls of the last step, the caller's included (torch's current_evals). */
  evals: number;
}

/** The tensors a step creates; `sweep` disposes those not in a live set (never the inputs, never the old state's). */
class Arena {
  private readonly owned = new Set<Tensor>();
  own<T extends Tensor>(t: T): T {
    this.owned.add(t);
    return t;
  }
  sweep(live: Iterable<Tensor | null>): void {
    const keep = new Set(live);
    for (const t of this.owned) {
      if (!keep.has(t)) {
        t.dispose();
        this.owned.delete(t);
      }
    }
  }
}

/** Reads several scalars built by `fn` in one round trip. */
async function readScalars(fn: () => Tensor[]): Promise<number[]> {
  const v = tf.tidy(() => tf.stack(fn().map((s) => tf.reshape(s, []))));
  try {
    return Array.from(await v.data());
  } finally {
    v.dispose();
  }
}

const absMax = (a: Tensor): Scalar => tf.max(tf.abs(a));

/**
 * The most memory L-BFGS's history may take: 2·history_size float32 vectors of all parameters. Beyond it a
 * run is refused at its start with the numbers, instead of the wasm heap (at most 4 GiB, shared with the
 * model and its activations) aborting midway: torch's default history 100 on the 784-1000-1000-10 MLP is
 * 1.4 GB, which aborted the wasm backend in bench/second-order-cost.ts.
 */
export const LBFGS_HISTORY_LIMIT_BYTES = 1024 ** 3;

/** Why this history size is too much for this many parameters, or null. */
export function lbfgsMemoryError(numParams: number, historySize: number): string | null {
  const bytes = 2 * historySize * numParams * 4;
  if (bytes <= LBFGS_HISTORY_LIMIT_BYTES) return null;
  const most = Math.floor(LBFGS_HISTORY_LIMIT_BYTES / (8 * numParams));
  return `L-BFGS: a history of ${historySize} pairs for ${numParams.toLocaleString('en-US')} parameters needs ${(bytes / 1024 ** 3).toFixed(1)} GiB (2 × history × parameters × 4 bytes), more than the ${LBFGS_HISTORY_LIMIT_BYTES / 1024 ** 3} GiB allowed: set History size to ${most} or less`;
}

export function lbfgs(): Optimizer<LbfgsState> {
  return {
    name: 'L-BFGS',
    init: (params, hp) => {
      const problem = lbfgsMemoryError(params.reduce((n, p) => n + p.size, 0), hp.historySize);
      if (problem) throw new Error(problem);
      return {
        t: 0,
        lr: tf.scalar(hp.alpha0),
        hp,
        d: null,
        stepSize: null,
        oldDirs: [],
        oldStps: [],
        ro: [],
        hDiag: 1,
        prevFlatGrad: null,
        prevLoss: null,
        nIter: 0,
        funcEvals: 0,
        evals: 0,
      };
    },
    step() {
      throw new Error('L-BFGS needs the loss oracle: use stepWith');
    },
    async stepWith(params, grads, state, oracle: LossOracle) {
      const { hp } = state;
      const lr = hp.alpha0;
      const maxIter = hp.maxIter;
      const maxEval = hp.maxEval ?? Math.floor((maxIter * 5) / 4);
      const toleranceGrad = hp.toleranceGrad;
      const toleranceChange = hp.toleranceChange;
      const historySize = hp.historySize;
      const wd = hp.weightDecay;
      const shapes = params.map((p) => p.shape);
      const sizes = params.map((p) => p.size);

      const flatten = (ts: readonly Tensor[]): Tensor => tf.concat(ts.map((t) => tf.reshape(t, [-1])));
      const unflatten = (flat: Tensor): Tensor[] => tf.tidy(() => (sizes.length === 1 ? [flat] : tf.split(flat, sizes)).map((p, i) => tf.reshape(p, shapes[i])));
      /** f + ½·wd·|x|² (the L2 term only when wd ≠ 0). */
      const objective = (loss: Scalar, x: Tensor): Scalar => (wd === 0 ? loss : tf.add(loss, tf.mul(0.5 * wd, tf.sum(tf.square(x)))));
      const withDecay = (g: Tensor, x: Tensor): Tensor => (wd === 0 ? g : tf.add(g, tf.mul(x, wd)));

      const arena = new Arena();
      // What the main loop holds; everything else of the arena may go at a sweep.
      let x: Tensor = arena.own(tf.tidy(() => flatten(params)));
      let flatGrad: Tensor = arena.own(tf.tidy(() => withDecay(flatten(grads), x)));
      let d = state.d;
      let t = state.stepSize;
      let oldDirs = state.oldDirs.slice();
      let oldStps = state.oldStps.slice();
      let ro = state.ro.slice();
      let hDiag = state.hDiag;
      let prevFlatGrad = state.prevFlatGrad;
      let prevLoss = state.prevLoss;
      const mainLive = (): (Tensor | null)[] => [x, flatGrad, prevFlatGrad, d, ...oldDirs, ...oldStps];

      /** One closure call at flat parameters xAt: the arena owns the gradient; the oracle's tensors are freed. */
      const evaluateAt = async (xAt: Tensor, dir: Tensor | null): Promise<LineEval> => {
        const ps = unflatten(xAt);
        const r = ((): { loss: Scalar; grads: Tensor[] } => {
          try {
            return oracle.evaluate(ps);
          } finally {
            tf.dispose(ps);
          }
        })();
        try {
          const g = arena.own(tf.tidy(() => withDecay(flatten(r.grads), xAt)));
          const [f, gmax, gtd] = await readScalars(() => [objective(r.loss, xAt), absMax(g), dir ? dot(g, dir) : tf.scalar(0)]);
          return { f, g, gtd, gmax };
        } finally {
          tf.dispose([r.loss, ...r.grads]);
        }
      };

      try {
        // evaluate initial f(x) and df/dx: the caller's closure call
        const [loss0, gmax0, gsum0] = await readScalars(() => [objective(oracle.loss0, x), absMax(flatGrad), tf.sum(tf.abs(flatGrad))]);
        let loss = loss0;
        let gmax = gmax0;
        let currentEvals = 1;
        let funcEvals = state.funcEvals + 1;
        let nIterTotal = state.nIter;

        // optimal condition: nothing moves, the carried state stays as it is
        if (gmax0 <= toleranceGrad) {
          arena.sweep([]);
          return {
            params: params.slice(),
            state: { ...state, t: state.t + 1, funcEvals, evals: currentEvals },
          };
        }

        let nIter = 0;
        // optimize for a max of max_iter iterations
        while (nIter < maxIter) {
          nIter += 1;
          nIterTotal += 1;

          // compute gradient descent direction
          if (nIterTotal === 1) {
            d = arena.own(tf.neg(flatGrad));
            oldDirs = [];
            oldStps = [];
            ro = [];
            hDiag = 1;
          } else {
            // do lbfgs update (update memory)
            const y = arena.own(tf.sub(flatGrad, prevFlatGrad as Tensor));
            const s = arena.own(tf.mul(d as Tensor, t as number));
            const [ys, yy] = await readScalars(() => [dot(y, s), dot(y, y)]);
            if (ys > 1e-10) {
              // updating memory; shift history by one (limited-memory)
              if (oldDirs.length === historySize) {
                oldDirs.shift();
                oldStps.shift();
                ro.shift();
              }
              // store new direction/step
              oldDirs.push(y);
              oldStps.push(s);
              ro.push(1 / ys);
              // update scale of initial Hessian approximation
              hDiag = ys / yy;
            }
            // the approximate inverse Hessian times the gradient: the two-loop recursion (one buffer)
            const numOld = oldDirs.length;
            const dirs = oldDirs, stps = oldStps, rho = ro, h = hDiag;
            d = arena.own(
              tf.tidy(() => {
                const al: Scalar[] = new Array<Scalar>(numOld);
                let q: Tensor = tf.neg(flatGrad);
                for (let i = numOld - 1; i >= 0; i--) {
                  al[i] = tf.mul(dot(stps[i], q), rho[i]);
                  q = tf.sub(q, tf.mul(dirs[i], al[i]));
                }
                // multiply by initial Hessian; r/d is the final direction
                let r = tf.mul(q, h);
                for (let i = 0; i < numOld; i++) {
                  const beI = tf.mul(dot(dirs[i], r), rho[i]);
                  r = tf.add(r, tf.mul(stps[i], tf.sub(al[i], beI)));
                }
                return r;
              }),
            );
          }
          prevFlatGrad = flatGrad;
          prevLoss = loss;
          arena.sweep(mainLive());

          // compute step length: reset initial guess for step size
          t = nIterTotal === 1 ? pyMin(1, 1 / gsum0) * lr : lr;

          // directional derivative
          const dir = d as Tensor;
          const [gtd, dNorm] = await readScalars(() => [dot(flatGrad, dir), absMax(dir)]);
          // directional derivative is below tolerance
          if (gtd > -toleranceChange) break;

          // optional line search
          let lsFuncEvals = 0;
          let optCond = false;
          if (hp.strongWolfe) {
            const xInit = x;
            const objFunc = async (step: number): Promise<LineEval> => {
              const xt = tf.tidy(() => tf.add(xInit, tf.mul(dir, step)));
              try {
                return await evaluateAt(xt, dir);
              } finally {
                xt.dispose();
              }
            };
            const ls = await strongWolfe(objFunc, t, dNorm, loss, flatGrad, gtd, gmax, (live) => arena.sweep([...mainLive(), ...live]));
            loss = ls.f;
            flatGrad = ls.g;
            t = ls.t;
            lsFuncEvals = ls.evals;
            const step = t;
            x = arena.own(tf.tidy(() => tf.add(xInit, tf.mul(dir, step))));
            gmax = ls.gmax;
            optCond = gmax <= toleranceGrad;
          } else {
            // no line search, simply move with fixed-step
            const step = t;
            const xOld = x;
            x = arena.own(tf.tidy(() => tf.add(xOld, tf.mul(dir, step))));
            if (nIter !== maxIter) {
              // re-evaluate function only if not in last iteration (no use in a stochastic setting)
              const ev = await evaluateAt(x, null);
              loss = ev.f;
              flatGrad = ev.g;
              gmax = ev.gmax;
              optCond = gmax <= toleranceGrad;
              lsFuncEvals = 1;
            }
          }
          arena.sweep(mainLive());
          // update func eval
          currentEvals += lsFuncEvals;
          funcEvals += lsFuncEvals;

          // check conditions
          if (nIter === maxIter) break;
          if (currentEvals >= maxEval) break;
          // optimal condition
          if (optCond) break;
          // lack of progress
          if (dNorm * Math.abs(t) <= toleranceChange) break;
          if (Math.abs(loss - (prevLoss as number)) < toleranceChange) break;
        }

        const newParams = unflatten(x);
        const next: LbfgsState = {
          ...state,
          t: state.t + 1,
          lr: tf.scalar(t ?? lr),
          d,
          stepSize: t,
          oldDirs,
          oldStps,
          ro,
          hDiag,
          prevFlatGrad,
          prevLoss,
          nIter: nIterTotal,
          funcEvals,
          evals: currentEvals,
        };
        arena.sweep([d, prevFlatGrad, ...oldDirs, ...oldStps]);
        return { params: newParams, state: next };
      } catch (e) {
        arena.sweep([]);
        throw e;
      }
    },
  };
}
