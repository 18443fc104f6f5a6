// Forward-over-reverse Hessian-vector products (Pearlmutter's R-op) for layer chains.
// Why not nested tf.grad: tfjs 4.22 has no second-order gradients through max-pool or logSoftmax, and
// the models' layers are tf.customGrad ops whose gradFunc is not itself differentiated. So each layer
// kind here has two hand-written halves:
//   forward:  (x, ẋ) and the parameter tangents v → (y, ẏ)          ẏ = directional derivative along v
//   backward: (g_y, ġ_y) → (g_x, ġ_x) and ġθ                         ġθ = d/dt ∇θL(θ + t·v) = H·v
// where g = ∂L/∂(·) is what the gradient path computes and ġ its derivative along v. Every step
// differentiates the gradient path's own formulas (same ReLU masks, same pool tie rule), so H·v is
// exact for the function the optimiser actually differentiates.
import type { Tensor } from '@tensorflow/tfjs';

/** A value and its derivative along v; tangent null means identically zero (input data). */
export interface Dual<T extends Tensor = Tensor> {
  value: T;
  tangent: T | null;
}

/** A cotangent ∂L/∂y and its derivative along v. */
export interface CoDual<T extends Tensor = Tensor> {
  grad: T;
  dgrad: T;
}

export interface RStep {
  out: Dual;
  /**
   * The backward half. needInput false skips the input's cotangent (the first layer: its input is data,
   * as the gradient path's denseInput/conv2dInput). hv: ġ of the layer's parameters, in their order.
   */
  back(c: CoDual, needInput: boolean): { input: CoDual | null; hv: Tensor[] };
}

/** One layer's forward half; it returns the backward half as a closure over what it saved. */
export type RLayer = (x: Dual) => RStep;

/**
 * H·v for loss(layers(x)): the layers' forward halves in order, the loss's R-op on the logits, then the
 * backward halves in reverse. Returns every layer's ġθ, concatenated in layer order (= params order).
 * Call inside tf.tidy: intermediates are left to the caller's scope.
 */
export function hvpChain(layers: readonly RLayer[], x: Tensor, loss: (logits: Dual) => CoDual): Tensor[] {
  const steps: RStep[] = [];
  let h: Dual = { value: x, tangent: null };
  for (const layer of layers) {
    const s = layer(h);
    steps.push(s);
    h = s.out;
  }
  let c: CoDual | null = loss(h);
  const hv: Tensor[][] = new Array(steps.length);
  for (let i = steps.length - 1; i >= 0; i--) {
    if (!c) throw new Error('hvpChain: a layer skipped its input cotangent but is not the first');
    const r = steps[i].back(c, i > 0);
    hv[i] = r.hv;
    c = r.input;
  }
  return hv.flat();
}
