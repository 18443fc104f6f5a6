// torch's strong-Wolfe line search of L-BFGS (torch/optim/lbfgs.py at v1.13.1: _cubic_interpolate and
// _strong_wolfe, ports of torch/optim polyinterp.lua and lswolfe.lua), on plain numbers and a flat
// gradient tensor per evaluation.
import type { Tensor } from '@tensorflow/tfjs';

/** A scalar as Python compares it: max(a, b) returns a unless b > a (so NaN propagates as in torch). */
const pyMax = (a: number, b: number): number => (b > a ? b : a);
export const pyMin = (a: number, b: number): number => (b < a ? b : a);

/**
 * torch's _cubic_interpolate (a port of torch/optim polyinterp.lua): the minimiser of the cubic through
 * (x1, f1) and (x2, f2) with slopes g1, g2, clipped to `bounds` (default: the interval between x1 and
 * x2); the middle of the bounds when the cubic has no minimiser (d2² < 0).
 */
export function cubicInterpolate(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: [number, number]): number {
  const [xminBound, xmaxBound] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 ** 2 - g1 * g2;
  if (d2Square >= 0) {
    const d2 = Math.sqrt(d2Square);
    const minPos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)) : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return pyMin(pyMax(minPos, xminBound), xmaxBound);
  }
  return (xminBound + xmaxBound) / 2;
}

/** One closure call along the line: f, the flat gradient g (owned by the arena), g·d and max|g|. */
export interface LineEval {
  f: number;
  g: Tensor;
  gtd: number;
  gmax: number;
}

/**
 * torch's _strong_wolfe (a port of torch/optim lswolfe.lua) with its defaults c1 = 1e-4, c2 = 0.9,
 * tolerance_change = 1e-9 (LBFGS.step does not pass its own), max_ls = 25. `objFunc(t)` evaluates at
 * x + t·d. `dNorm` = max|d|; `gmax` = max|g| (returned with g when the search ends at t = 0, for the
 * caller's opt_cond). `release(live)` is given the gradients the search still holds; the rest may go.
 */
export async function strongWolfe(
  objFunc: (t: number) => Promise<LineEval>,
  t: number,
  dNorm: number,
  f: number,
  g: Tensor,
  gtd: number,
  gmax: number,
  release: (live: Tensor[]) => void,
  c1 = 1e-4,
  c2 = 0.9,
  toleranceChange = 1e-9,
  maxLs = 25,
): Promise<{ f: number; g: Tensor; gmax: number; t: number; evals: number }> {
  let ev = await objFunc(t);
  let fNew = ev.f, gNew = ev.g, gtdNew = ev.gtd, gmaxNew = ev.gmax;
  let lsFuncEvals = 1;

  let tPrev = 0, fPrev = f, gPrev = g, gtdPrev = gtd, gmaxPrev = gmax;
  let done = false;
  let lsIter = 0;
  let bracket: number[] = [], bracketF: number[] = [], bracketG: Tensor[] = [], bracketGtd: number[] = [], bracketGmax: number[] = [];
  while (lsIter < maxLs) {
    if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
      [bracket, bracketF, bracketG, bracketGtd, bracketGmax] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew], [gmaxPrev, gmaxNew]];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      [bracket, bracketF, bracketG, bracketGmax] = [[t], [fNew], [gNew], [gmaxNew]];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      [bracket, bracketF, bracketG, bracketGtd, bracketGmax] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew], [gmaxPrev, gmaxNew]];
      break;
    }
    // interpolate
    const minStep = t + 0.01 * (t - tPrev);
    const maxStep = t * 10;
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    // next step
    tPrev = tmp;
    fPrev = fNew;
    gPrev = gNew;
    gtdPrev = gtdNew;
    gmaxPrev = gmaxNew;
    release([g, gPrev]);
    ev = await objFunc(t);
    fNew = ev.f; gNew = ev.g; gtdNew = ev.gtd; gmaxNew = ev.gmax;
    lsFuncEvals += 1;
    lsIter += 1;
  }
  // reached max number of iterations?
  if (lsIter === maxLs) {
    [bracket, bracketF, bracketG, bracketGmax] = [[0, t], [f, fNew], [g, gNew], [gmax, gmaxNew]];
  }
  release([g, ...bracketG]);

  // zoom phase: a point satisfying the criteria, or a bracket around it, refined until one satisfies them
  let insufProgress = false;
  let [lowPos, highPos] = bracketF[0] <= bracketF[bracketF.length - 1] ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    // line-search bracket is so small
    if (Math.abs(bracket[1] - bracket[0]) * dNorm < toleranceChange) break;
    // compute new trial value
    t = cubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);
    // sufficient progress: a t too close to the bracket's ends moves 0.1·(bracket length) inside
    const bMax = pyMax(bracket[0], bracket[1]), bMin = pyMin(bracket[0], bracket[1]);
    const eps = 0.1 * (bMax - bMin);
    if (pyMin(bMax - t, t - bMin) < eps) {
      if (insufProgress || t >= bMax || t <= bMin) {
        t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
        insufProgress = false;
      } else {
        insufProgress = true;
      }
    } else {
      insufProgress = false;
    }
    // evaluate new point
    ev = await objFunc(t);
    fNew = ev.f; gNew = ev.g; gtdNew = ev.gtd; gmaxNew = ev.gmax;
    lsFuncEvals += 1;
    lsIter += 1;

    if (fNew > f + c1 * t * gtd || fNew >= bracketF[lowPos]) {
      // Armijo condition not satisfied or not lower than the lowest point
      bracket[highPos] = t;
      bracketF[highPos] = fNew;
      bracketG[highPos] = gNew;
      bracketGtd[highPos] = gtdNew;
      bracketGmax[highPos] = gmaxNew;
      [lowPos, highPos] = bracketF[0] <= bracketF[1] ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) {
        // Wolfe conditions satisfied
        done = true;
      } else if (gtdNew * (bracket[highPos] - bracket[lowPos]) >= 0) {
        // old high becomes new low
        bracket[highPos] = bracket[lowPos];
        bracketF[highPos] = bracketF[lowPos];
        bracketG[highPos] = bracketG[lowPos];
        bracketGtd[highPos] = bracketGtd[lowPos];
        bracketGmax[highPos] = bracketGmax[lowPos];
      }
      // new point becomes new low
      bracket[lowPos] = t;
      bracketF[lowPos] = fNew;
      bracketG[lowPos] = gNew;
      bracketGtd[lowPos] = gtdNew;
      bracketGmax[lowPos] = gmaxNew;
    }
    release([g, ...bracketG]);
  }
  return { f: bracketF[lowPos], g: bracketG[lowPos], gmax: bracketGmax[lowPos], t: bracket[lowPos], evals: lsFuncEvals };
}
