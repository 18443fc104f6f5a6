// The service worker's caching policy as pure functions (no DOM, no caches): which request goes to
// which cache with which strategy, the cache names of a build, which caches an activating worker
// deletes, and the headers it adds. src/sw/sw.ts applies them; test/unit/swPolicy.test.ts checks them.
//
// Caches:
//   hg-shell-<version>  the app shell of one build (index.html, hashed JS/CSS/wasm, favicon, manifest,
//                       icons), precached at install; replaced as a whole by the next build's worker.
//   hg-data-v1          dataset manifests and shards, filled as they are first used. Shards are
//                       content-addressed (`?v=<sha256 prefix>`, src/data/loader.ts), so this cache
//                       survives new builds: a changed shard is a new URL, never a stale hit.

export const CACHE_PREFIX = 'hg-';
export const DATA_CACHE = 'hg-data-v1';

export function shellCacheName(version: string): string {
  return `${CACHE_PREFIX}shell-${version}`;
}

/** The caches an activating worker of `version` deletes: every hg- cache that is not its own. */
export function cachesToDelete(existing: readonly string[], version: string): string[] {
  const keep = new Set([shellCacheName(version), DATA_CACHE]);
  return existing.filter((name) => name.startsWith(CACHE_PREFIX) && !keep.has(name));
}

export type Strategy = 'cache-first' | 'network-first';

export interface Route {
  strategy: Strategy;
  /** The cache's name. */
  cache: string;
  /** The URL the response is stored under (index.html for every navigation; the URL without its fragment otherwise). */
  key: string;
  /** A dataset's manifest: once a fresh copy arrives, the shards it no longer lists leave the cache (staleShardKeys). */
  prune?: true;
}

/** The parts of a Request the policy looks at. */
export interface RequestInfo {
  url: string;
  method: string;
  /** Request.mode: 'navigate' for a page load. */
  mode: string;
}

/**
 * Where `req` goes, or null for "not ours: let the browser fetch it as if there were no worker"
 * (other origins, other methods, paths outside the scope).
 * `scope`: the registration's scope URL, ending in '/' (e.g. https://host/hg/).
 */
export function routeRequest(req: RequestInfo, scope: string, version: string): Route | null {
  if (req.method !== 'GET') return null;
  let url: URL;
  let base: URL;
  try {
    url = new URL(req.url);
    base = new URL(scope);
  } catch {
    return null;
  }
  if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) return null;
  const shell = shellCacheName(version);
  const path = url.pathname.slice(base.pathname.length);
  const index = new URL('index.html', base).href;
  // A page load (any query: ?backend=wasm, a shared configuration) or the index itself: the newest
  // page when online, the cached one offline. Stored under one key, so any query works offline.
  if (req.mode === 'navigate' || path === '' || path === 'index.html') return { strategy: 'network-first', cache: shell, key: index };
  url.hash = '';
  if (path.startsWith('data/')) {
    // A dataset's manifest says which shards (by hash) make the data: always the newest when online.
    if (/^data\/[^/]+\/manifest\.json$/.test(path)) return { strategy: 'network-first', cache: DATA_CACHE, key: url.origin + url.pathname, prune: true };
    // A content-addressed shard never changes: the cached copy is the right one.
    if (/^[0-9a-f]{16,64}$/.test(url.searchParams.get('v') ?? '')) return { strategy: 'cache-first', cache: DATA_CACHE, key: url.href };
    // Anything else under data/ (no version): fresh when online, the last copy offline.
    return { strategy: 'network-first', cache: DATA_CACHE, key: url.href };
  }
  // Vite's output: file names carry a hash of their content.
  if (path.startsWith('assets/')) return { strategy: 'cache-first', cache: shell, key: url.href };
  // The unhashed shell files (favicon, web manifest, icons, sw.js's neighbours): the build's copy,
  // refreshed from the network when online.
  return { strategy: 'network-first', cache: shell, key: url.href };
}

/**
 * The data cache's entries that a freshly fetched dataset manifest makes obsolete: shards of the same
 * folder (`…/data/<name>/`) whose version is not one the manifest lists. `manifestKey` is the
 * manifest's cache key (no query); `json` the parsed manifest (untrusted: anything malformed deletes
 * nothing).
 */
export function staleShardKeys(manifestKey: string, json: unknown, cachedKeys: readonly string[]): string[] {
  const files = (json as { files?: unknown } | null)?.files;
  if (!Array.isArray(files)) return [];
  const folder = manifestKey.slice(0, manifestKey.lastIndexOf('/') + 1);
  const wanted = new Set<string>();
  for (const f of files as { path?: unknown; sha256?: unknown }[]) {
    if (typeof f?.path !== 'string' || typeof f.sha256 !== 'string') return [];
    wanted.add(`${f.path}?v=${f.sha256.slice(0, 16)}`);
  }
  return cachedKeys.filter((k) => {
    if (!k.startsWith(folder)) return false;
    const rest = k.slice(folder.length);
    return /\?v=[0-9a-f]{16,64}$/.test(rest) && !wanted.has(rest);
  });
}

/** The precache list's paths (relative to the scope) as absolute URLs; '' and 'index.html' both mean the index. */
export function precacheUrls(paths: readonly string[], scope: string): string[] {
  const out = new Set<string>();
  for (const p of paths) out.add(new URL(p === '' ? 'index.html' : p, scope).href);
  return [...out];
}

/** What the worker adds to every response it serves: the headers that make the page cross-origin isolated. */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  // require-corp rather than credentialless: everything the page loads is same-origin (no CORP needed)
  // or a CORS fetch (the CIFAR-10 URL), and Safari does not support credentialless.
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** `headers` plus the isolation headers (a copy; the original is not touched). */
export function withIsolationHeaders(headers: Iterable<[string, string]>): Headers {
  const out = new Headers([...headers]);
  for (const [k, v] of Object.entries(ISOLATION_HEADERS)) out.set(k, v);
  return out;
}

/** The update notice's Reload button: its label, and the question asked first when runs would be lost. */
export function reloadPrompt(activeRuns: number): { label: string; question: string | null } {
  if (activeRuns <= 0) return { label: 'Reload', question: null };
  const n = `${activeRuns} run${activeRuns === 1 ? '' : 's'}`;
  return {
    label: `Reload (${n} training)`,
    question: `${n} ${activeRuns === 1 ? 'is' : 'are'} training: reloading stops ${activeRuns === 1 ? 'it' : 'them'} (what ${activeRuns === 1 ? 'it has' : 'they have'} recorded so far is kept and shows as interrupted). Reload anyway?`,
  };
}
