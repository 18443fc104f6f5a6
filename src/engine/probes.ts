// Rademacher probes (entries ±1) for ESGD-M's Hessian-diagonal estimate, from a rule instead of a global
// generator, so every run of a comparison with the same seed sees the same probes and a step's probes
// do not depend on what ran before.
import { createRng, subSeed } from '../data/batching';

/** Stream id of the probes in subSeed (the dropout and augmentation draws use others). */
export const PROBE_STREAM = 3;

/**
 * The golden files' deterministic rule (test/golden/README.md, second_order_P2.json `probe_rule`):
 * R(t, k) = 1 − 2·(((k·2654435761 + t·40503) mod 2³²) >> 31), t the 1-based optimizer step, k the 0-based
 * flat parameter index in torch order.
 */
export function goldenProbe(t: number, k: number): number {
  return 1 - 2 * (((Math.imul(k, 2654435761) + Math.imul(t, 40503)) >>> 0) >>> 31);
}

/** The golden rule's probes for `count` values starting at torch flat index `offset`. */
export function goldenProbeValues(t: number, offset: number, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = goldenProbe(t, offset + i);
  return out;
}

/**
 * Probes of step t of a run with `seed`: one array per parameter tensor of the given sizes, in order,
 * each entry −1 or +1 with probability ½ (a seeded generator per step).
 */
export function seededProbeValues(seed: number, t: number, sizes: readonly number[]): Float32Array[] {
  const rand = createRng(subSeed(seed, t, PROBE_STREAM));
  return sizes.map((n) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = rand() < 0.5 ? -1 : 1;
    return out;
  });
}
