// Small byte helpers shared by the data layer.

/**
 * The parts joined into one fresh buffer of exactly their total size. Fresh matters: callers transfer
 * these buffers to workers, and transferring a view would hand over (and detach) whatever larger
 * buffer it sits in.
 */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** The message of anything thrown. */
export function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
