// Stacked hyperoptimizers ("Gradient Descent: The Ultimate Optimizer", Chandra et al., NeurIPS 2022),
// exact to the reference kach/gradient-descent-the-ultimate-optimizer@d6a3dbbeed6a7b4c0dc5dbde54a36e9954d8cbed
// (src/gradient_descent_the_ultimate_optimizer/gdtuo.py), with the hypergradients written by hand.
//
// Level 0 updates the model parameters θ; level ℓ ≥ 1 updates the tuned *raw* hyperparameters of level
// ℓ−1 (α; μ; β₁, β₂, γ through x ↦ (tanh x + 1)/2; RMSProp's α through a ↦ a²), elementwise, as the
// reference's `params` dict. The reference detaches everything of the previous step but the level above's
// hyperparameters, so the gradient of the step-t loss w.r.t. a raw hyperparameter p of level ℓ is
//   G_ℓ[p] = Σ up_ℓ · ∂x_ℓ/∂p,   ∂x_ℓ/∂p taken when level ℓ last produced its output x_ℓ (step t−1),
// with up_0 = g_t (the model gradient) and up_ℓ = G_{ℓ−1} (the gradients of the level-below's raw
// hyperparameters). Step t then updates top-down (the reference's `self.optimizer.step(self.parameters)`
// comes first in every step): the top level's hyperparameters are constants (NoOpOptimizer), each level ℓ
// moves level ℓ−1's raw hyperparameters with its just-updated values, and level 0 finally moves θ.
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { tidyTree } from './dispose';
import type { Hyper } from './hyper';
import type { OptState, Optimizer } from './types';
import { STACK_CLASSES, parseStack, type HyperName, type StackLevel, type StackOptimizer, type StackSpec } from './stackSpec';

type Cache = Record<string, Tensor | null>;

export interface StackLevelState {
  optimizer: StackOptimizer;
  /** What the level above moves (empty for the top level), in HYPER_ORDER. */
  tuned: HyperName[];
  /** Current raw values of the tuned hyperparameters (what the level above updates). */
  raw: Partial<Record<HyperName, Scalar>>;
  /** Current effective values of every hyperparameter of the level (α, β₁ = (tanh r + 1)/2, …). */
  values: Partial<Record<HyperName, Scalar>>;
  /** Per element of what this level updates: its optimizer state (m, v / momentum buffer / G / s). */
  caches: Cache[];
  /** ∂(this level's last output)/∂(raw p), per tuned p, per output tensor; null before the first step. */
  jac: Partial<Record<HyperName, Tensor[]>> | null;
}

export interface StackState extends OptState {
  /** The stack this state belongs to (from the constructor, or parsed from hp.stack at init). */
  spec: StackSpec;
  levels: StackLevelState[];
}

/** The reference's fixed ε of AdaGrad (inside √(G + ε), G starting at 0.1) and of RMSProp (inside √(s + ε)). */
const ADAGRAD_EPS = 1e-10;
const ADAGRAD_G0 = 0.1;
const RMSPROP_EPS = 1e-8;

const clamp = (r: Tensor): Tensor => tf.div(tf.add(tf.tanh(r), 1), 2);

function effective(opt: StackOptimizer, h: HyperName, raw: Scalar): Scalar {
  if (h === 'alpha') return (opt === 'RMSProp' ? tf.square(raw) : raw) as Scalar;
  if (h === 'mu') return raw;
  return clamp(raw) as Scalar;
}

function rawOf(opt: StackOptimizer, h: HyperName, value: number): number {
  if (h === 'alpha') return opt === 'RMSProp' ? Math.sqrt(value) : value;
  if (h === 'mu') return value;
  return Math.atanh(2 * value - 1);
}

/** d effective / d raw. */
function dEffective(opt: StackOptimizer, h: HyperName, raw: Scalar, value: Scalar): Tensor {
  if (h === 'alpha') return opt === 'RMSProp' ? tf.mul(raw, 2) : tf.onesLike(raw);
  if (h === 'mu') return tf.onesLike(raw);
  return tf.mul(tf.mul(value, tf.sub(1, value)), 2); // (1 − tanh²)/2 = 2b(1 − b)
}

function hyperNames(l: StackLevel): HyperName[] {
  const extras = Object.keys(STACK_CLASSES[l.optimizer].extras).filter((k) => k !== 'eps') as HyperName[];
  return ['alpha', ...extras];
}

/** What the level above actually moves: the spec's list, less SGD's μ when μ = 0 (the reference never uses it then). */
function effectiveTuned(l: StackLevel): HyperName[] {
  return l.tuned.filter((h) => !(l.optimizer === 'SGD' && h === 'mu' && l.mu === 0));
}

interface Update {
  xs: Tensor[];
  caches: Cache[];
  /** ∂x'/∂(effective h), per h asked for. */
  dx: Partial<Record<HyperName, Tensor[]>>;
}

/**
 * One level's elementwise update of xs (detached) by gradients gs (detached), with its current effective
 * hyperparameters, and the derivatives of the new xs w.r.t. the effective hyperparameters in `want`.
 */
function levelUpdate(spec: StackLevel, v: Partial<Record<HyperName, Scalar>>, xs: readonly Tensor[], gs: readonly Tensor[], caches: readonly Cache[], t: number, want: HyperName[]): Update {
  const alpha = v.alpha!;
  const dx: Partial<Record<HyperName, Tensor[]>> = {};
  for (const h of want) dx[h] = [];
  const out: Tensor[] = [];
  const newCaches: Cache[] = [];
  xs.forEach((x, i) => {
    const g = gs[i];
    const c = caches[i] ?? {};
    switch (spec.optimizer) {
      case 'SGD': {
        // Reference SGD.step: buf = g on first use, then buf·μ + g (only when the constructor's μ ≠ 0); θ ← θ − α·buf.
        let u = g;
        let prev: Tensor | null = null;
        if (spec.mu !== 0) {
          prev = c.buf ?? null;
          u = prev === null ? g.clone() : tf.add(tf.mul(prev, v.mu!), g);
          newCaches.push({ buf: u });
        } else newCaches.push({});
        out.push(tf.sub(x, tf.mul(u, alpha)));
        dx.alpha?.push(tf.neg(u));
        dx.mu?.push(prev === null ? tf.zerosLike(x) : tf.neg(tf.mul(prev, alpha)));
        break;
      }
      case 'AdaGrad': {
        // G₀ = 0.1; G ← G + g²; θ ← θ − α·g/√(G + 1e-10).
        const G = tf.add(c.G ?? tf.add(tf.zerosLike(x), ADAGRAD_G0), tf.square(g));
        const u = tf.div(g, tf.sqrt(tf.add(G, ADAGRAD_EPS)));
        newCaches.push({ G });
        out.push(tf.sub(x, tf.mul(alpha, u)));
        dx.alpha?.push(tf.neg(u));
        break;
      }
      case 'RMSProp': {
        // s₀ = 0; s ← γ·s + (1 − γ)·g²; θ ← θ − α·g/√(s + 1e-8).
        const gamma = v.gamma!;
        const s0 = c.s ?? tf.zerosLike(x);
        const g2 = tf.square(g);
        const s = tf.add(tf.mul(gamma, s0), tf.mul(tf.sub(1, gamma), g2));
        const den = tf.sqrt(tf.add(s, RMSPROP_EPS));
        const u = tf.div(g, den);
        newCaches.push({ s });
        out.push(tf.sub(x, tf.mul(alpha, u)));
        dx.alpha?.push(tf.neg(u));
        // ∂θ/∂γ = α·g·(s₀ − g²) / (2·(s + ε)^{3/2})
        dx.gamma?.push(tf.div(tf.mul(tf.mul(alpha, g), tf.sub(s0, g2)), tf.mul(2, tf.mul(den, tf.add(s, RMSPROP_EPS)))));
        break;
      }
      case 'Adam': {
        // m₀ = 0, v₀ = ε (the reference's fudge factor); m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
        // m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ); θ ← θ − α·m̂/(√v̂ + ε).
        const eps = spec.eps!;
        const b1 = v.beta1!, b2 = v.beta2!;
        const m0 = c.m ?? tf.zerosLike(x);
        const v0 = c.v ?? tf.add(tf.zerosLike(x), eps);
        const g2 = tf.square(g);
        const m = tf.add(tf.mul(b1, m0), tf.mul(tf.sub(1, b1), g));
        const vv = tf.add(tf.mul(b2, v0), tf.mul(tf.sub(1, b2), g2));
        const bc1 = tf.sub(1, tf.pow(b1, t));
        const bc2 = tf.sub(1, tf.pow(b2, t));
        const mh = tf.div(m, bc1);
        const vh = tf.div(vv, bc2);
        const sv = tf.sqrt(vh);
        const den = tf.add(sv, eps);
        const d = tf.div(mh, den);
        newCaches.push({ m, v: vv });
        out.push(tf.sub(x, tf.mul(alpha, d)));
        dx.alpha?.push(tf.neg(d));
        if (dx.beta1) {
          // ∂m̂/∂β₁ = (m₀ − g)/bc1 + m·t·β₁^{t−1}/bc1²; ∂θ/∂β₁ = −α·(∂m̂/∂β₁)/(√v̂ + ε)
          const dmh = tf.add(tf.div(tf.sub(m0, g), bc1), tf.div(tf.mul(m, tf.mul(t, tf.pow(b1, t - 1))), tf.square(bc1)));
          dx.beta1.push(tf.neg(tf.div(tf.mul(alpha, dmh), den)));
        }
        if (dx.beta2) {
          // ∂v̂/∂β₂ = (v₀ − g²)/bc2 + v·t·β₂^{t−1}/bc2²; ∂θ/∂β₂ = α·m̂/(√v̂ + ε)² · (∂v̂/∂β₂)/(2√v̂)
          const dvh = tf.add(tf.div(tf.sub(v0, g2), bc2), tf.div(tf.mul(vv, tf.mul(t, tf.pow(b2, t - 1))), tf.square(bc2)));
          dx.beta2.push(tf.div(tf.mul(tf.mul(alpha, mh), dvh), tf.mul(tf.square(den), tf.mul(2, sv))));
        }
        break;
      }
    }
  });
  return { xs: out, caches: newCaches, dx };
}

/** Σ_i sum(up_i · j_i): the one-step hypergradient. */
function dot(up: readonly Tensor[], j: readonly Tensor[]): Scalar {
  let acc: Tensor = tf.scalar(0);
  for (let i = 0; i < up.length; i++) acc = tf.add(acc, tf.sum(tf.mul(up[i], j[i])));
  return acc as Scalar;
}

/**
 * The stack as an optimizer of this project. Without `fixed`, the spec is read from hp.stack at init (the
 * registry's "Stack"); with it, hp.stack is ignored. The model level's α is the spec's, or hp.alpha0 when the
 * spec leaves it out; levels above without α take their class's reference default. hp.weightDecay, when set,
 * is folded into the model gradient (g + wd·θ) before anything else, as everywhere in this project.
 */
export function stackedOptimizer(fixed?: StackSpec): Optimizer<StackState> {
  const tunedOf = (spec: StackSpec, l: number): HyperName[] => (l < spec.levels.length - 1 ? effectiveTuned(spec.levels[l]) : []);
  return {
    name: 'Stack',
    init(params, hp: Hyper) {
      const spec = fixed ?? parseStack(hp.stack);
      if (spec.levels.length === 0) throw new Error('A stack needs at least one level');
      const levels: StackLevelState[] = spec.levels.map((s, l) => {
        const tuned = tunedOf(spec, l);
        const raw: Partial<Record<HyperName, Scalar>> = {};
        const values: Partial<Record<HyperName, Scalar>> = {};
        for (const h of hyperNames(s)) {
          const value = h === 'alpha' ? (s.alpha ?? (l === 0 ? hp.alpha0 : STACK_CLASSES[s.optimizer].alpha)) : (s[h] as number);
          if (tuned.includes(h)) {
            raw[h] = tf.scalar(rawOf(s.optimizer, h, value));
            values[h] = tidyTree(() => effective(s.optimizer, h, raw[h]!));
          } else values[h] = tf.scalar(value);
        }
        const n = l === 0 ? params.length : tunedOf(spec, l - 1).length;
        return { optimizer: s.optimizer, tuned, raw, values, caches: Array.from({ length: n }, () => ({})), jac: null };
      });
      return { t: 0, lr: levels[0].values.alpha!, hp, spec, levels };
    },
    hyperValues(state) {
      const { alpha: _alpha, ...rest } = state.levels[0].values;
      return rest;
    },
    step(params, grads, state) {
      const spec = state.spec;
      const L = spec.levels.length;
      return tidyTree(() => {
        const t = state.t + 1;
        const wd = state.hp.weightDecay;
        const g0 = wd === 0 ? grads.slice() : grads.map((g, i) => tf.add(g, tf.mul(params[i], wd)));
        // 1. Hypergradients of every tuned raw hyperparameter, bottom up, from the step-t gradient.
        const G: Scalar[][] = [];
        let up: Tensor[] = g0;
        for (let l = 0; l < L - 1; l++) {
          const s = state.levels[l];
          G[l] = s.tuned.map((h) => (s.jac === null ? tf.scalar(0) : dot(up, s.jac[h]!)));
          up = G[l];
        }
        // 2. Updates, top down.
        const levels: StackLevelState[] = state.levels.map((s) => ({ ...s }));
        for (let l = L - 1; l >= 0; l--) {
          const s = spec.levels[l];
          const st = levels[l];
          const xs = l === 0 ? params : levels[l - 1].tuned.map((h) => state.levels[l - 1].raw[h]!);
          const gs = l === 0 ? g0 : G[l - 1];
          const r = levelUpdate(s, st.values, xs, gs, st.caches, t, st.tuned);
          const jac: Partial<Record<HyperName, Tensor[]>> = {};
          for (const h of st.tuned) {
            const k = dEffective(s.optimizer, h, st.raw[h]!, st.values[h]!);
            jac[h] = r.dx[h]!.map((d) => tf.mul(d, k));
          }
          levels[l] = { ...st, caches: r.caches, jac: st.tuned.length > 0 ? jac : null };
          if (l === 0) {
            const lr = levels[0].values.alpha!;
            return { params: r.xs, state: { ...state, t, lr, levels } };
          }
          // Level l moved level l−1's raw hyperparameters: their effective values follow.
          const below = levels[l - 1];
          const raw = { ...below.raw };
          const values = { ...below.values };
          below.tuned.forEach((h, i) => {
            raw[h] = r.xs[i] as Scalar;
            values[h] = effective(spec.levels[l - 1].optimizer, h, raw[h]!);
          });
          levels[l - 1] = { ...below, raw, values };
        }
        throw new Error('unreachable');
      });
    },
  };
}

/**
 * The current effective hyperparameters of a level (0 = the model's optimizer): α always, μ (SGD),
 * β₁ and β₂ (Adam), γ (RMSProp). They are the state's own tensors: read, do not dispose.
 */
export function hyperValues(state: StackState, level = 0): Partial<Record<HyperName, Scalar>> {
  return { ...state.levels[level].values };
}
