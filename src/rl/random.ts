// Seeded random numbers for the PPO controller: uniform, normal (Box–Muller), categorical sampling and
// Fisher–Yates shuffling (numpy's order), with a plain-JSON state so a checkpoint resumes the exact
// stream. Generator: xoshiro128** (32-bit words, seeded through splitmix32). Not numpy's Mersenne
// Twister: the streams differ from stable-baselines', the distributions do not.

export interface RngState {
  /** xoshiro128** words, each an unsigned 32-bit integer. */
  s: [number, number, number, number];
  /** Box–Muller makes normals in pairs; the second waits here (null when none waits). */
  spare: number | null;
}

function splitmix32(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

export class Rng {
  private s: Uint32Array;
  private spare: number | null = null;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`Rng seed must be a finite number, got ${seed}`);
    const sm = splitmix32(Math.floor(seed) ^ Math.floor(seed / 2 ** 32));
    this.s = new Uint32Array([sm(), sm(), sm(), sm()]);
    if (this.s.every((w) => w === 0)) this.s[0] = 1;
  }

  /** Next unsigned 32-bit integer. */
  nextU32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in (0, 1): never 0, so logs of it are finite. */
  uniformOpen(): number {
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    return u;
  }

  /** Standard normal by Box–Muller (pairs; the second is kept for the next call). */
  normal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    const u1 = this.uniformOpen();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /**
   * Sample an index from unnormalised logits by the Gumbel-max trick, as stable-baselines'
   * CategoricalProbabilityDistribution.sample: argmax(logits − log(−log u)).
   */
  categoricalFromLogits(logits: ArrayLike<number>): number {
    let best = 0;
    let bestV = -Infinity;
    for (let k = 0; k < logits.length; k++) {
      const v = logits[k] - Math.log(-Math.log(this.uniformOpen()));
      if (v > bestV) {
        bestV = v;
        best = k;
      }
    }
    return best;
  }

  /** Sample an index from probabilities (summing to 1) by inverting the CDF. */
  categorical(probs: ArrayLike<number>): number {
    const u = this.uniform();
    let c = 0;
    for (let k = 0; k < probs.length; k++) {
      c += probs[k];
      if (u < c) return k;
    }
    return probs.length - 1;
  }

  /** In-place Fisher–Yates in numpy's order (i from n−1 down to 1, j uniform in [0, i]). */
  shuffle<T extends { length: number; [i: number]: number }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  getState(): RngState {
    return { s: [this.s[0], this.s[1], this.s[2], this.s[3]], spare: this.spare };
  }

  setState(state: RngState): void {
    if (!state || !Array.isArray(state.s) || state.s.length !== 4) throw new Error('Rng state: s must be 4 integers');
    for (const w of state.s) {
      if (!Number.isInteger(w) || w < 0 || w > 0xffffffff) throw new Error(`Rng state: ${w} is not an unsigned 32-bit integer`);
    }
    if (state.spare !== null && !Number.isFinite(state.spare)) throw new Error('Rng state: spare must be a finite number or null');
    this.s = new Uint32Array(state.s);
    this.spare = state.spare;
  }

  static fromState(state: RngState): Rng {
    const r = new Rng(0);
    r.setState(state);
    return r;
  }
}
