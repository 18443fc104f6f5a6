// An untrusted value (parsed JSON, a stored record) shown in an error message: JSON-like, on one line,
// at most `max` characters. Unlike JSON.stringify it never throws (a value nested 100,000 deep makes
// JSON.stringify overflow the stack with a RangeError) and never writes megabytes into a message: it
// stops as soon as the text is long enough, so its work is bounded by `max` whatever the input.

export function showValue(value: unknown, max = 60): string {
  let out = '';
  const put = (s: string): boolean => {
    out += s;
    return out.length <= max;
  };
  const walk = (v: unknown): boolean => {
    if (v === undefined || v === null || typeof v === 'boolean' || typeof v === 'bigint') return put(String(v));
    if (typeof v === 'number') return put(Object.is(v, -0) ? '-0' : String(v));
    if (typeof v === 'string') return put(JSON.stringify(v.length > max ? v.slice(0, max + 1) : v));
    if (typeof v !== 'object') return put(typeof v);
    if (ArrayBuffer.isView(v)) return put(`${v.constructor.name}(${(v as unknown as { length?: number }).length ?? v.byteLength})`);
    if (Array.isArray(v)) {
      if (!put('[')) return false;
      for (let i = 0; i < v.length; i++) if ((i > 0 && !put(',')) || !walk(v[i])) return false;
      return put(']');
    }
    if (!put('{')) return false;
    let first = true;
    for (const k in v) {
      if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
      if ((!first && !put(',')) || !put(`${JSON.stringify(k.length > max ? k.slice(0, max + 1) : k)}:`)) return false;
      first = false;
      if (!walk((v as Record<string, unknown>)[k])) return false;
    }
    return put('}');
  };
  walk(value);
  return out.length <= max ? out : `${out.slice(0, max - 1)}…`;
}
