// Shared pieces of the property-based fuzz tests (test/unit/fuzz-*.test.ts): byte mutations of valid
// files, hostile JSON values, a guard that refuses large allocations while a parser runs, and the
// checks every case makes (the right error type, a one-line message, a time bound).
import fc from 'fast-check';
import { afterAll, expect } from 'vitest';

/** Cases per parser: CI runs exactly these, with the fixed seeds below, so a failure reproduces. */
export const FUZZ_RUNS = 10_000;
/** No single case may take longer than this (a hang or a quadratic blow-up is a bug). */
export const CASE_LIMIT_MS = 2_000;

// ---------------------------------------------------------------------------------------------
// Allocation guard

/** Thrown by the guard: something asked for a buffer larger than any fuzz input justifies. */
export class AllocationGuardError extends Error {
  override name = 'AllocationGuardError';
}

/**
 * While `fn` runs, `new Uint8Array(n)`, `new ArrayBuffer(n)`, `new Float64Array(n)`, … and
 * `new Array(n)` with n above `limit` elements throw AllocationGuardError instead of allocating. The
 * fuzz inputs are all far smaller than `limit`, so such an allocation can only be sized by a header
 * field that was not checked against the bytes actually there. Constructors are swapped on globalThis
 * for Proxies (instanceof and the static methods keep working) and put back afterwards.
 */
export async function withAllocationGuard<T>(limit: number, fn: () => Promise<T> | T): Promise<T> {
  const names = ['Uint8Array', 'Int32Array', 'Float32Array', 'Float64Array', 'ArrayBuffer', 'Array'] as const;
  const g = globalThis as unknown as Record<string, unknown>;
  const saved = names.map((n) => g[n]);
  names.forEach((n, i) => {
    const Ctor = saved[i] as new (...args: unknown[]) => unknown;
    g[n] = new Proxy(Ctor, {
      construct(target, args, newTarget) {
        const n0 = args[0];
        if (typeof n0 === 'number' && (n === 'Array' ? args.length === 1 : true) && n0 > limit) {
          throw new AllocationGuardError(`new ${n}(${n0}) while fuzzing (limit ${limit})`);
        }
        return Reflect.construct(target, args, newTarget === g[n] ? target : newTarget);
      },
    });
  });
  try {
    return await fn();
  } finally {
    names.forEach((n, i) => (g[n] = saved[i]));
  }
}

// ---------------------------------------------------------------------------------------------
// Checks

/**
 * `e` must be an instance of `type` (the parser's own error), its message one line of reasonable
 * length, starting with `prefix` when given. Anything else (TypeError, RangeError, the guard's
 * error…) is rethrown so fast-check reports the input.
 */
export function expectOwnError(e: unknown, type: abstract new (...args: never[]) => Error, prefix?: string): void {
  if (!(e instanceof type)) throw e;
  if (e instanceof AllocationGuardError) throw e;
  expect(e.message).not.toMatch(/\n/);
  expect(e.message.length).toBeLessThanOrEqual(1_000);
  if (prefix !== undefined) expect(e.message.startsWith(prefix)).toBe(true);
}

/** The slowest case seen by timed / timedSync in this test file; FUZZ_REPORT=1 prints it at the end. */
export const slowest = { ms: 0 };
afterAll(() => {
  if (process.env.FUZZ_REPORT) console.log(`slowest fuzz case: ${slowest.ms.toFixed(1)} ms`);
});

function clock(t0: number): void {
  const ms = performance.now() - t0;
  slowest.ms = Math.max(slowest.ms, ms);
  if (ms > CASE_LIMIT_MS) throw new Error(`case took ${ms.toFixed(0)} ms (limit ${CASE_LIMIT_MS})`);
}

/** Runs one asynchronous case and fails it when it took more than CASE_LIMIT_MS. */
export async function timed(fn: () => Promise<void>): Promise<void> {
  const t0 = performance.now();
  await fn();
  clock(t0);
}

/** Runs one synchronous case and fails it when it took more than CASE_LIMIT_MS. */
export function timedSync(fn: () => void): void {
  const t0 = performance.now();
  fn();
  clock(t0);
}

// ---------------------------------------------------------------------------------------------
// Byte mutations

export type Mutation =
  | { kind: 'flip'; at: number; xor: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'int32'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'extend'; bytes: Uint8Array }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; len: number };

/** Big-endian 32-bit values a length or count field should never be trusted with. */
export const HOSTILE_INT32 = [0, 1, -1, 0x7fffffff, -0x80000000, 0x40000000, 0x10000, 0xffff, 0x7ffffffe, 3073, 784] as const;

/** One mutation; positions are taken modulo the input's length when applied. */
export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.constantFrom(0, 0x20, 0x30, 0x37, 0x38, 0x7f, 0x80, 0xff) }),
  fc.record({ kind: fc.constant('int32' as const), at: fc.nat(), value: fc.constantFrom(...HOSTILE_INT32) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('extend' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 600 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 64 }) }),
);

/** Up to `max` mutations (none in about one case of six, so valid inputs are checked too). */
export const mutationsArb = (max = 4): fc.Arbitrary<Mutation[]> =>
  fc.oneof({ weight: 1, arbitrary: fc.constant([] as Mutation[]) }, { weight: 5, arbitrary: fc.array(mutationArb, { minLength: 1, maxLength: max }) });

/** `base` with the mutations applied in order (a fresh copy; `base` is not touched). */
export function mutate(base: Uint8Array, muts: readonly Mutation[]): Uint8Array {
  let b = base.slice();
  for (const m of muts) {
    const at = b.length === 0 ? 0 : 'at' in m ? m.at % b.length : 0;
    switch (m.kind) {
      case 'flip':
        if (b.length) b[at] ^= m.xor;
        break;
      case 'set':
        if (b.length) b[at] = m.value;
        break;
      case 'int32':
        for (let i = 0; i < 4 && at + i < b.length; i++) b[at + i] = (m.value >>> (24 - 8 * i)) & 0xff;
        break;
      case 'truncate':
        b = b.slice(0, at);
        break;
      case 'extend': {
        const out = new Uint8Array(b.length + m.bytes.length);
        out.set(b);
        out.set(m.bytes, b.length);
        b = out;
        break;
      }
      case 'insert': {
        const out = new Uint8Array(b.length + m.bytes.length);
        out.set(b.subarray(0, at));
        out.set(m.bytes, at);
        out.set(b.subarray(at), at + m.bytes.length);
        b = out;
        break;
      }
      case 'delete': {
        const out = new Uint8Array(b.length - Math.min(m.len, b.length - at));
        out.set(b.subarray(0, at));
        out.set(b.subarray(at + m.len), at);
        b = out;
        break;
      }
    }
  }
  return b;
}

// ---------------------------------------------------------------------------------------------
// Hostile JSON

/** An array nested `depth` deep ([[[…]]]), built without recursion. */
export function nested(depth: number, leaf: unknown = 1): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/**
 * A hostile JSON value, described rather than built, so that fast-check can print a counterexample
 * (it cannot print an array nested 100,000 deep). `hostile()` builds the value.
 */
export type HostileSpec =
  | { plain: unknown }
  | { nestedArray: number }
  | { nestedObject: number }
  | { longString: number }
  | { bigArray: number };

export const hostileSpecArb: fc.Arbitrary<HostileSpec> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      plain: fc.constantFrom<unknown>(
        undefined, null, true, false, 0, -1, -0, 0.5, 1e308, -1e308, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, Number.MAX_VALUE,
        Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '', '1', 'x', '__proto__', [], {}, [null], [[]], { length: 3 },
      ),
    }),
  },
  { weight: 2, arbitrary: fc.record({ plain: fc.jsonValue({ maxDepth: 2 }) }) },
  { weight: 2, arbitrary: fc.record({ plain: fc.array(fc.double(), { maxLength: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ nestedArray: fc.constantFrom(2, 100, 10_000) }) },
  { weight: 1, arbitrary: fc.record({ nestedObject: fc.constantFrom(2, 100, 10_000) }) },
  { weight: 1, arbitrary: fc.record({ longString: fc.constantFrom(1_000, 100_000) }) },
  { weight: 1, arbitrary: fc.record({ bigArray: fc.constantFrom(1_000, 5_000) }) },
);

/** The value a HostileSpec describes. */
export function hostile(spec: HostileSpec): unknown {
  if ('plain' in spec) return structuredClone(spec.plain);
  if ('nestedArray' in spec) return nested(spec.nestedArray);
  if ('nestedObject' in spec) {
    let v: unknown = 1;
    for (let i = 0; i < spec.nestedObject; i++) v = { a: v };
    return v;
  }
  if ('longString' in spec) return 'x'.repeat(spec.longString);
  return Array.from({ length: spec.bigArray }, (_, i) => i);
}

/** Object paths of `value` (keys and array indices), the root excluded; at most `limit`. */
export function paths(value: unknown, limit = 2_000): (string | number)[][] {
  const out: (string | number)[][] = [];
  const walk = (v: unknown, p: (string | number)[]) => {
    if (out.length >= limit || p.length >= 8 || typeof v !== 'object' || v === null || ArrayBuffer.isView(v)) return;
    const keys: (string | number)[] = Array.isArray(v) ? Array.from({ length: Math.min(v.length, limit) }, (_, i) => i) : Object.keys(v);
    for (const k of keys) {
      if (out.length >= limit) return;
      out.push([...p, k]);
      walk((v as Record<string | number, unknown>)[k], [...p, k]);
    }
  };
  walk(value, []);
  return out;
}

export type JsonEdit = { kind: 'set'; pick: number; value: HostileSpec } | { kind: 'delete'; pick: number };

export const jsonEditArb: fc.Arbitrary<JsonEdit> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('set' as const), pick: fc.nat(), value: hostileSpecArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
);

/** A deep copy of `base` (structuredClone, so typed arrays stay typed arrays) with the edits applied at picked paths. */
export function editJson<T>(base: T, edits: readonly JsonEdit[]): unknown {
  return applyEdits(base, edits, (spec) => hostile(spec));
}

/**
 * JSON text of `base` with the edits applied, as a hostile file would hold it. Built without
 * JSON.stringify of the hostile values themselves (it overflows the stack on deep nesting).
 */
export function editJsonText<T>(base: T, edits: readonly JsonEdit[]): string {
  const texts: string[] = [];
  const v = applyEdits(base, edits, (spec) => {
    texts.push(hostileText(spec));
    return `\u0000hostile${texts.length - 1}\u0000`;
  });
  return (JSON.stringify(v) ?? 'null').replace(/"\\u0000hostile(\d+)\\u0000"/g, (_, i: string) => texts[Number(i)]);
}

function hostileText(spec: HostileSpec): string {
  if ('nestedArray' in spec) return '['.repeat(spec.nestedArray) + '1' + ']'.repeat(spec.nestedArray);
  if ('nestedObject' in spec) return '{"a":'.repeat(spec.nestedObject) + '1' + '}'.repeat(spec.nestedObject);
  return JSON.stringify(hostile(spec)) ?? 'null';
}

/** Like editJson, but edits `value` in place (no copy: for values that hold hostile, deeply nested parts already). */
export function editJsonInPlace(value: unknown, edits: readonly JsonEdit[]): unknown {
  return applyEdits(value, edits, (spec) => hostile(spec), false);
}

function applyEdits<T>(base: T, edits: readonly JsonEdit[], make: (spec: HostileSpec) => unknown, copy = true): unknown {
  let v: unknown = copy ? structuredClone(base) : base;
  for (const e of edits) {
    const ps = paths(v);
    if (ps.length === 0) {
      if (e.kind === 'set') v = make(e.value);
      continue;
    }
    const p = ps[e.pick % ps.length];
    let parent = v as Record<string | number, unknown>;
    for (const k of p.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
    const last = p[p.length - 1];
    if (e.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
    } else {
      parent[last] = make(e.value);
    }
  }
  return v;
}

/**
 * Pseudo-random bytes of a length in [minLength, maxLength] drawn from a seed: much faster to generate
 * than fc.uint8Array for kilobytes (which draws every byte on its own), at the cost of byte-wise shrinking.
 */
export function seededBytesArb(minLength: number, maxLength: number): fc.Arbitrary<Uint8Array> {
  return fc.record({ length: fc.integer({ min: minLength, max: maxLength }), seed: fc.integer({ min: 1, max: 0x7fffffff }) }).map(({ length, seed }) => {
    const out = new Uint8Array(length);
    let x = seed;
    for (let i = 0; i < length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out[i] = x & 0xff;
    }
    return out;
  });
}

/**
 * A gzip bomb: `mib` MiB of zeros as that many concatenated gzip members of 1 MiB each (about 1 kB
 * apiece), so building it costs nothing while inflating it all would cost the full size.
 */
export function gzipBomb(mib: number, gzipSync: (b: Uint8Array) => Uint8Array): Uint8Array {
  const member = gzipSync(new Uint8Array(1 << 20));
  const out = new Uint8Array(member.length * mib);
  for (let i = 0; i < mib; i++) out.set(member, i * member.length);
  return out;
}

/** Character-level edits of a text (positions taken modulo its length): the CSV and URL fuzzers' damage. */
export type TextEdit = { kind: 'delete'; at: number; len: number } | { kind: 'insert'; at: number; text: string } | { kind: 'replace'; at: number; text: string };

/** Deletions of 1…maxDelete characters, insertions of `insert`, replacements by `replace`. */
export function textEditArb(maxDelete: number, insert: fc.Arbitrary<string>, replace: fc.Arbitrary<string>): fc.Arbitrary<TextEdit> {
  return fc.oneof(
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: maxDelete }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: insert }),
    fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), text: replace }),
  );
}

export function applyTextEdits(s: string, edits: readonly TextEdit[]): string {
  let out = s;
  for (const e of edits) {
    const at = out.length === 0 ? 0 : e.at % (out.length + 1);
    if (e.kind === 'delete') out = out.slice(0, at) + out.slice(at + e.len);
    else if (e.kind === 'insert') out = out.slice(0, at) + e.text + out.slice(at);
    else out = out.slice(0, at) + e.text + out.slice(at + e.text.length);
  }
  return out;
}
