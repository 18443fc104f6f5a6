// R-ops of ResNet's residual block and global average pool (resnet.ts).
// A block is y = main(x) + shortcut(x), each branch a chain of R-layers (the shortcut may be empty: the
// identity). Forward: both branches from the same (x, ẋ), values and tangents summed. Backward: the sum
// sends the same (g, ġ) into both branches; each runs its layers' backward halves in reverse, and the
// input's cotangent (and its derivative) is the sum of the two branches' (x feeds both). The parameters'
// ġθ are the main branch's then the shortcut's, torch's parameters() order within a BasicBlock.
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor2D, Tensor4D } from '@tensorflow/tfjs';
import type { CoDual, Dual, RLayer, RStep } from './chain';

function sum(a: Tensor | null, b: Tensor | null): Tensor | null {
  return a && b ? tf.add(a, b) : (a ?? b);
}

function forwardChain(layers: readonly RLayer[], x: Dual): { steps: RStep[]; out: Dual } {
  const steps: RStep[] = [];
  let h = x;
  for (const layer of layers) {
    const s = layer(h);
    steps.push(s);
    h = s.out;
  }
  return { steps, out: h };
}

function backwardChain(steps: readonly RStep[], c: CoDual, needInput: boolean): { input: CoDual | null; hv: Tensor[] } {
  const hv: Tensor[][] = new Array(steps.length);
  let cc: CoDual | null = c;
  for (let i = steps.length - 1; i >= 0; i--) {
    if (!cc) throw new Error('residualR: a layer skipped its input cotangent but is not the first');
    const r = steps[i].back(cc, i > 0 || needInput);
    hv[i] = r.hv;
    cc = r.input;
  }
  return { input: needInput ? cc : null, hv: hv.flat() };
}

/** y = main(x) + shortcut(x) (shortcut [] = identity). */
export function residualR(main: readonly RLayer[], shortcut: readonly RLayer[]): RLayer {
  return (x) => {
    const m = forwardChain(main, x);
    const s = forwardChain(shortcut, x);
    return {
      out: { value: tf.add(m.out.value, s.out.value), tangent: sum(m.out.tangent, s.out.tangent) },
      back(c, needInput) {
        const bm = backwardChain(m.steps, c, needInput);
        const bs = backwardChain(s.steps, c, needInput);
        const hv = [...bm.hv, ...bs.hv];
        if (!needInput || !bm.input || !bs.input) return { input: null, hv };
        return { input: { grad: tf.add(bm.input.grad, bs.input.grad), dgrad: tf.add(bm.input.dgrad, bs.input.dgrad) }, hv };
      },
    };
  };
}

/** [n, h, w, c] → [n, c], the mean over h and w. Linear: tangents averaged, cotangents spread as g/(h·w). */
export const globalAvgPoolR: RLayer = (x) => {
  const [n, h, w, c] = x.value.shape as [number, number, number, number];
  const pool = (t: Tensor) => tf.mean(t, [1, 2]) as Tensor2D;
  const spread = (t: Tensor) => tf.broadcastTo(tf.reshape(tf.div(t, h * w), [n, 1, 1, c]), [n, h, w, c]) as Tensor4D;
  return {
    out: { value: pool(x.value), tangent: x.tangent ? pool(x.tangent) : null },
    back: ({ grad, dgrad }) => ({ input: { grad: spread(grad), dgrad: spread(dgrad) }, hv: [] }),
  };
};
