// Run ids and labels that do not collide: for imported runs, runs restored from storage, and an older
// run whose id a new Start reuses (the runner numbers its ids per page load). Pure.

/**
 * `id` if free, else `id~2`, `id~3`, … (the first free one). `~` never occurs in the runner's ids
 * (`r{n}-{optimizer}`), so a renamed id cannot be taken by a later Start.
 */
export function freeId(id: string, taken: (id: string) => boolean): string {
  if (!taken(id)) return id;
  const base = id.replace(/~\d+$/, '');
  for (let n = 2; ; n++) {
    const candidate = `${base}~${n}`;
    if (!taken(candidate)) return candidate;
  }
}

/**
 * Distinct ids for `ids` (in order) given the ids already in use: a colliding id (with an existing
 * one or an earlier one of the list) is renamed with freeId. Returns the new ids, same order.
 */
export function uniqueIds(ids: readonly string[], existing: ReadonlySet<string> | ((id: string) => boolean)): string[] {
  const inUse = typeof existing === 'function' ? existing : (id: string) => existing.has(id);
  const mine = new Set<string>();
  return ids.map((id) => {
    const out = freeId(id, (c) => inUse(c) || mine.has(c));
    mine.add(out);
    return out;
  });
}

/** The label of an imported run: `{optimizer} (imported)`, numbered when that label is taken. */
export function importedLabel(optimizer: string, taken: (label: string) => boolean): string {
  const base = `${optimizer} (imported)`;
  if (!taken(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${optimizer} (imported ${n})`;
    if (!taken(candidate)) return candidate;
  }
}

/** A random storage key (IndexedDB record key of a run); never shown. */
export function newStorageKey(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
}
